//! Binding the hosts, assembling each host's router, and the cross-cutting layers
//! (call counting and injected faults) that the control API drives.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::{Router, ServiceExt};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower::Layer;

use crate::config::SimConfig;
use crate::control::After;
use crate::state::{Host, Sim};
use crate::tls::{self, Tls};
use crate::{SimUrls, control, oauth, rest};

/// Per-host handler state: the shared simulator and which host this router serves.
#[derive(Clone)]
pub struct Ctx {
    pub sim: Arc<Sim>,
    pub host: Host,
    /// Turns true when the simulator stops: a hanging answer then ends, so shutdown can finish.
    pub stopped: watch::Receiver<bool>,
}

/// A started simulator. Dropping it stops every host; `shutdown()` also waits for them.
pub struct RunningSim {
    pub urls: SimUrls,
    /// With `tls`: the certificate every host presents (PEM), for clients to trust.
    pub certificate_pem: Option<String>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningSim {
    /// Stops all hosts and waits until they have finished serving.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSim {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Binds every host (production, sandbox, My Domain login hosts and the instance hosts), each on
/// its own port of `config.bind`, and serves them in the background.
pub async fn spawn(config: SimConfig) -> std::io::Result<RunningSim> {
    config
        .validate()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    let port = |p: Option<&u16>| SocketAddr::new(config.bind, p.copied().unwrap_or(0));
    let production = TcpListener::bind(port(Some(&config.ports.login_production))).await?;
    let sandbox = TcpListener::bind(port(Some(&config.ports.login_sandbox))).await?;
    let mydomain = TcpListener::bind(port(Some(&config.ports.login_mydomain))).await?;
    let mut instances = Vec::new();
    for n in 0..config.instance_count {
        instances.push(TcpListener::bind(port(config.ports.instances.get(n))).await?);
    }
    let tls = match config.tls {
        true => Some(Tls::new(config.bind)?),
        false => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = |l: &TcpListener| l.local_addr().map(|a| format!("{scheme}://{a}"));
    let urls = SimUrls {
        login_production: url(&production)?,
        login_sandbox: url(&sandbox)?,
        login_mydomain: url(&mydomain)?,
        instances: instances.iter().map(url).collect::<std::io::Result<_>>()?,
    };
    let sim = Arc::new(Sim::new(config, urls.clone()));
    let (stop, stopped) = watch::channel(false);
    let mut hosts = vec![
        (production, Host::Production),
        (sandbox, Host::Sandbox),
        (mydomain, Host::MyDomain),
    ];
    hosts.extend(
        instances
            .into_iter()
            .enumerate()
            .map(|(n, l)| (l, Host::Instance(n))),
    );
    let tasks = hosts
        .into_iter()
        .map(|(listener, host)| {
            let app = router(Ctx {
                sim: sim.clone(),
                host,
                stopped: stopped.clone(),
            });
            let mut stopped = stopped.clone();
            let acceptor = tls.as_ref().map(|t| t.acceptor.clone());
            tokio::spawn(async move {
                // The slash is trimmed before routing, so it wraps the router, not a route.
                let app = middleware::map_request(trim_trailing_slash).layer(app);
                if let Some(acceptor) = acceptor {
                    return tls::serve(listener, acceptor, app, stopped).await;
                }
                let until = async move {
                    let _ = stopped.wait_for(|s| *s).await;
                };
                let service = ServiceExt::<Request>::into_make_service(app);
                if let Err(e) = axum::serve(listener, service)
                    .with_graceful_shutdown(until)
                    .await
                {
                    tracing::error!(?host, error = %e, "simulator host stopped");
                }
            })
        })
        .collect();
    Ok(RunningSim {
        urls,
        certificate_pem: tls.map(|t| t.certificate_pem),
        stop,
        tasks,
    })
}

/// The REST API alone, as Composite sends its subrequests: the same routes and handlers as a
/// direct call, without counting or faults (the composite call itself was counted).
pub fn rest_router(ctx: Ctx) -> Router {
    rest::routes(ctx.clone())
        .fallback(rest::not_found)
        .with_state(ctx)
}

fn router(ctx: Ctx) -> Router {
    let mut app = Router::new().merge(oauth::routes());
    if matches!(ctx.host, Host::Instance(_)) {
        app = app.merge(rest::routes(ctx.clone()));
    }
    app.route_layer(middleware::from_fn_with_state(
        ctx.clone(),
        faults_and_counts,
    ))
    .merge(control::routes())
    .fallback(rest::not_found)
    .with_state(ctx)
}

/// Salesforce answers a REST path with a trailing slash as the path without it (clients send
/// `POST …/sobjects/Account/`, `GET …/limits/`); the versions list `/services/data/` stays.
pub async fn trim_trailing_slash(mut request: Request) -> Request {
    let path = request.uri().path();
    if path.len() > REST_PREFIX.len() && path.starts_with(REST_PREFIX) && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/');
        let target = match request.uri().query() {
            Some(query) => format!("{trimmed}?{query}"),
            None => trimmed.to_string(),
        };
        if let Ok(uri) = target.parse() {
            *request.uri_mut() = uri;
        }
    }
    request
}

const REST_PREFIX: &str = "/services/data/";

/// Counts each call by `METHOD route` (and by `METHOD route STATUS` once answered), then applies the next queued fault that matches.
async fn faults_and_counts(State(ctx): State<Ctx>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let path = request.uri().path().to_string();
    let key = format!("{} {route}", request.method());
    let fault = {
        let mut state = ctx.sim.lock();
        *state.calls.entry(key.clone()).or_default() += 1;
        state.take_fault(request.method().as_str(), &path)
    };
    let served = |response: Response| {
        // Also by answer, so a test can tell a 304 revalidation from a whole describe.
        *ctx.sim
            .lock()
            .calls
            .entry(format!("{key} {}", response.status().as_u16()))
            .or_default() += 1;
        response
    };
    let Some(fault) = fault else {
        return served(next.run(request).await);
    };
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    match (fault.after, fault.status) {
        (Some(After::Hang), _) => {
            let response = served(next.run(request).await);
            let mut stopped = ctx.stopped.clone();
            let _ = stopped.wait_for(|s| *s).await;
            response
        }
        (Some(After::Reset), _) => control::cut_off(served(next.run(request).await)).await,
        (None, None) => next.run(request).await,
        (None, Some(status)) => fault.answer(status),
    }
}
