//! The one HTTP client every Salesforce call goes through (SECURITY-BAR item 9): redirects are
//! never followed (a 3xx is an error, so a token can't be walked to another host), connect and
//! total timeouts are set, and every URL is checked against the [`HostPolicy`] before the request
//! is built — https on a Salesforce host, or an operator-allowlisted development origin.

use std::{future::Future, pin::Pin, sync::Arc, time::Duration, time::Instant};

use url::Url;

use crate::{Error, HostPolicy, LimitInfo, limit_info};

/// Settings for [`HttpClient::new`].
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub connect_timeout: Duration,
    /// The whole request, from connect to the last body byte.
    pub timeout: Duration,
    pub policy: HostPolicy,
    pub user_agent: String,
    /// Told of every call when it ends, e.g. for latency metrics.
    pub observer: Option<CallObserver>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            policy: HostPolicy::salesforce_only(),
            user_agent: concat!("sofie-salesforce/", env!("CARGO_PKG_VERSION")).into(),
            observer: None,
        }
    }
}

/// One finished call: what it was, how it ended, how long it took. Never a URL or a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    pub operation: &'static str,
    /// `ok` (2xx, 300, 304), `client_error`, `server_error`, `redirect` or `transport_error`.
    pub outcome: &'static str,
    pub took: Duration,
}

/// What [`HttpConfig::observer`] calls.
#[derive(Clone)]
pub struct CallObserver(pub Arc<dyn Fn(Call) + Send + Sync>);

impl std::fmt::Debug for CallObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallObserver")
    }
}

/// The kind of Salesforce call a method and path make, for metrics: a few fixed names, so no
/// object name, id or query reaches a label.
pub fn operation_of(method: &reqwest::Method, path: &str) -> &'static str {
    use reqwest::Method;
    let rest = path
        .strip_prefix("/services/data/")
        .and_then(|p| p.split_once('/').map(|(_, after)| after));
    let Some(rest) = rest else {
        return match path {
            "/services/oauth2/token" => "token",
            "/services/oauth2/revoke" => "revoke",
            "/services/oauth2/authorize" => "authorize_probe",
            "/services/oauth2/userinfo" => "userinfo",
            p if p.ends_with("/.well-known/openid-configuration") => "openid_configuration",
            p if p.starts_with("/id/") => "identity",
            "/services/data" | "/services/data/" => "versions",
            _ => "other",
        };
    };
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        (_, ["query" | "queryAll", ..]) => "query",
        (_, ["search" | "parameterizedSearch", ..]) => "search",
        (_, ["limits", ..]) => "limits",
        (_, ["composite", ..]) => "composite",
        (_, ["sobjects"]) => "describe_global",
        (_, ["sobjects", _, "describe", ..]) => "describe",
        (&Method::GET, ["sobjects", _]) => "describe_basic",
        (&Method::POST, ["sobjects", _]) => "create",
        (&Method::GET, ["sobjects", _, "updated" | "deleted", ..]) => "changes",
        (&Method::GET, ["sobjects", _, _, ..]) => "read",
        (&Method::PATCH, ["sobjects", _, _]) => "update",
        (&Method::PATCH, ["sobjects", _, _, _]) => "upsert",
        (&Method::DELETE, ["sobjects", _, _]) => "delete",
        _ => "other",
    }
}

/// A cheap-to-clone client; share one per process.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    policy: Arc<HostPolicy>,
    observer: Option<CallObserver>,
}

/// A whole HTTP answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
    pub limit_info: Option<LimitInfo>,
}

impl Answer {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body)
            .map_err(|e| Error::Protocol(format!("response body not understood: {e}")))
    }
}

impl HttpClient {
    pub fn new(config: HttpConfig) -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            // Allowlisted dev origins may be plain http; otherwise refuse it at the transport too.
            .https_only(!config.policy.allows_plain_http())
            .user_agent(config.user_agent)
            .build()
            .map_err(|e| Error::Protocol(format!("HTTP client could not be built: {e}")))?;
        Ok(HttpClient {
            client,
            policy: Arc::new(config.policy),
            observer: config.observer,
        })
    }

    pub fn policy(&self) -> &HostPolicy {
        &self.policy
    }

    /// Starts a request after checking the URL against the policy.
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        url: Url,
    ) -> Result<reqwest::RequestBuilder, Error> {
        self.policy.check_api_url(&url)?;
        Ok(self.client.request(method, url))
    }

    /// Sends and reads the whole answer, whatever its status; parses `Sforce-Limit-Info`.
    /// Only transport failures are errors here; see [`Answer::check`].
    pub(crate) async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, Error> {
        let request = request.build()?;
        let Some(observer) = &self.observer else {
            return self.send_unobserved(request).await;
        };
        let operation = operation_of(request.method(), request.url().path());
        let started = Instant::now();
        let answer = self.send_unobserved(request).await;
        let outcome = match &answer {
            Ok(a) if matches!(a.status, 200..=299 | 300 | 304) => "ok",
            Ok(a) if (301..=399).contains(&a.status) => "redirect",
            Ok(a) if a.status >= 500 => "server_error",
            Ok(_) => "client_error",
            Err(_) => "transport_error",
        };
        (observer.0)(Call {
            operation,
            outcome,
            took: started.elapsed(),
        });
        answer
    }

    async fn send_unobserved(&self, request: reqwest::Request) -> Result<Answer, Error> {
        let response = self.client.execute(request).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit_info = headers
            .get(limit_info::HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(LimitInfo::parse);
        let body = response.bytes().await?.to_vec();
        Ok(Answer {
            status,
            headers,
            body,
            limit_info,
        })
    }
}

impl Answer {
    /// Keeps 2xx, 300 and 304 (callers handle those) and turns every other status into a
    /// classified [`Error`]; a redirect is an error, never followed.
    pub fn check(self) -> Result<Answer, Error> {
        match self.status {
            200..=299 | 300 | 304 => Ok(self),
            status @ 301..=399 => Err(Error::Protocol(format!(
                "HTTP {status} redirect not followed{}",
                self.headers
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| Url::parse(l).ok())
                    .and_then(|l| l.host_str().map(|h| format!(" (to host {h})")))
                    .unwrap_or_default()
            ))),
            status => Err(Error::from_response(status, &self.body)),
        }
    }
}

/// The oauth2 crate's token requests run over this client, so they get the same policy,
/// timeouts and no-redirect rule, and errors come back already classified.
impl<'c> oauth2::AsyncHttpClient<'c> for HttpClient {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, Error>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let url = Url::parse(&parts.uri.to_string())
                .map_err(|e| Error::Protocol(format!("bad token endpoint URL: {e}")))?;
            let builder = self
                .request(parts.method, url)?
                .headers(parts.headers)
                .body(body);
            let answer = self.send(builder).await?.check()?;
            if answer.status != 200 {
                return Err(Error::Protocol(format!(
                    "token endpoint answered HTTP {}",
                    answer.status
                )));
            }
            let mut response = http::Response::builder().status(answer.status);
            if let Some(h) = response.headers_mut() {
                *h = answer.headers;
            }
            response
                .body(answer.body)
                .map_err(|e| Error::Protocol(e.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::operation_of;
    use reqwest::Method;

    #[test]
    fn each_call_gets_a_fixed_operation_name_without_names_or_ids() {
        let v = "/services/data/v62.0";
        for (method, path, operation) in [
            (Method::GET, format!("{v}/query"), "query"),
            (
                Method::GET,
                format!("{v}/query/01gD0000002HU6KIAW-2000"),
                "query",
            ),
            (Method::GET, format!("{v}/search"), "search"),
            (Method::GET, format!("{v}/sobjects"), "describe_global"),
            (
                Method::GET,
                format!("{v}/sobjects/Account/describe"),
                "describe",
            ),
            (
                Method::GET,
                format!("{v}/sobjects/Account/001xx000003DGb2AAG"),
                "read",
            ),
            (Method::POST, format!("{v}/sobjects/Account"), "create"),
            (
                Method::PATCH,
                format!("{v}/sobjects/Account/001xx000003DGb2AAG"),
                "update",
            ),
            (
                Method::PATCH,
                format!("{v}/sobjects/Account/Ext__c/K-1"),
                "upsert",
            ),
            (
                Method::DELETE,
                format!("{v}/sobjects/Account/001xx000003DGb2AAG"),
                "delete",
            ),
            (Method::POST, format!("{v}/composite/sobjects"), "composite"),
            (Method::GET, format!("{v}/limits"), "limits"),
            (Method::POST, "/services/oauth2/token".into(), "token"),
            (
                Method::GET,
                "/services/oauth2/authorize".into(),
                "authorize_probe",
            ),
            (
                Method::GET,
                "/.well-known/openid-configuration".into(),
                "openid_configuration",
            ),
            (
                Method::GET,
                "/id/00Dxx0000001gPL/005xx000001Sv6A".into(),
                "identity",
            ),
            (Method::GET, "/something/else".into(), "other"),
        ] {
            assert_eq!(operation_of(&method, &path), operation, "{method} {path}");
        }
    }
}
