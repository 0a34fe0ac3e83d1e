//! HTTPS for every host, as Salesforce serves them: a certificate made at start for the bind
//! address, `127.0.0.1` and `localhost` (self-signed, so a client trusts exactly this run), and
//! hyper serving each TLS connection with the same router as plain HTTP.

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tower::ServiceExt;

/// The certificate clients are told to trust (PEM), and the acceptor that presents it.
pub struct Tls {
    pub certificate_pem: String,
    pub acceptor: TlsAcceptor,
}

impl Tls {
    pub fn new(bind: IpAddr) -> std::io::Result<Tls> {
        let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
        let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        if !bind.is_unspecified() && !bind.is_loopback() {
            names.push(bind.to_string());
        }
        let made = rcgen::generate_simple_self_signed(names).map_err(|e| invalid(e.to_string()))?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
        let chain = vec![CertificateDer::from(made.cert.der().to_vec())];
        // ring, as everywhere else in the workspace: the process-wide default may be unset.
        let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| invalid(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls {
            certificate_pem: made.cert.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        })
    }
}

/// Serves `app` over TLS on `listener` until `stopped` turns true, then lets open requests end.
pub async fn serve<S>(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    app: S,
    mut stopped: watch::Receiver<bool>,
) where
    S: tower::Service<
            Request,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    let graceful = GracefulShutdown::new();
    loop {
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a connection failed");
                    continue;
                }
            },
            _ = stopped.wait_for(|s| *s) => break,
        };
        let acceptor = acceptor.clone();
        let service = app
            .clone()
            .map_request(|request: hyper::Request<Incoming>| request.map(Body::new));
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            // A client that gives up during the handshake (or distrusts the certificate) is
            // its own business; nothing was asked yet.
            let Ok(stream) = acceptor.accept(tcp).await else {
                return;
            };
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
            if let Err(e) = watcher.watch(connection).await {
                tracing::debug!(error = %e, "TLS connection ended with an error");
            }
        });
    }
    graceful.shutdown().await;
}
