//! The client's address. Behind a TLS-terminating proxy the TCP peer is the proxy, so only when
//! the peer is one of `SOFIE_TRUSTED_PROXIES` is `X-Forwarded-For` read: the right-most hop that
//! is not itself a trusted proxy is the client (hops to its left could be forged by the client).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use app::api::ssr::ClientIp;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

#[derive(Clone, Default)]
pub struct TrustedProxies(pub Arc<Vec<IpNet>>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client address for a request from `peer` carrying these `X-Forwarded-For` values.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_for.iter().rev().flat_map(|v| v.rsplit(',')) {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if self.trusts(ip) => client = ip,
                Ok(ip) => return ip,
                // An unreadable hop: nothing to its left can be believed.
                Err(_) => return client,
            }
        }
        client
    }
}

pub async fn client_ip(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let client = peer.map(|peer| {
        let forwarded: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        trusted.client(peer, &forwarded).to_string()
    });
    request.extensions_mut().insert(ClientIp(client));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &["198.51.100.1"]),
            ip("203.0.113.9")
        );
        let proxies = TrustedProxies(Arc::new(vec!["10.0.0.0/8".parse().unwrap()]));
        let proxy = ip("10.0.0.2");
        assert_eq!(proxies.client(proxy, &["198.51.100.1"]), ip("198.51.100.1"));
        assert_eq!(
            proxies.client(proxy, &["6.6.6.6, 198.51.100.1, 10.0.0.7"]),
            ip("198.51.100.1"),
            "the right-most untrusted hop, not the forgeable left-most"
        );
        assert_eq!(
            proxies.client(proxy, &["6.6.6.6", "198.51.100.1"]),
            ip("198.51.100.1"),
            "several headers read as one list"
        );
        assert_eq!(
            proxies.client(proxy, &["not an ip, 10.0.0.9"]),
            ip("10.0.0.9")
        );
        assert_eq!(
            proxies.client(proxy, &[]),
            proxy,
            "no header: the proxy itself"
        );
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &["198.51.100.1"]),
            ip("203.0.113.9"),
            "an untrusted peer's header is ignored"
        );
    }
}
