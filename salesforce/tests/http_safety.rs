//! The transport's safety rules against tiny local servers: redirects are never followed (also
//! on the token endpoint), timeouts fire, hosts outside the policy are never contacted.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{any, get, post};
use salesforce::oauth::{OAuthClient, OAuthConfig};
use salesforce::rest::{ApiVersion, RestClient};
use salesforce::{Error, HostPolicy, HttpClient, HttpConfig, LoginHost};
use secrecy::SecretString;

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// A server that counts every hit: the place a redirect would lead.
async fn target() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let url = serve(Router::new().fallback(any(move || {
        h.fetch_add(1, Ordering::SeqCst);
        async { "secret" }
    })))
    .await;
    (url, hits)
}

fn http(origins: &[&str], timeout: Duration) -> HttpClient {
    HttpClient::new(HttpConfig {
        timeout,
        connect_timeout: Duration::from_secs(2),
        policy: HostPolicy::with_dev_origins(origins).unwrap(),
        ..HttpConfig::default()
    })
    .unwrap()
}

fn rest(http: HttpClient, origin: &str) -> RestClient {
    RestClient::new(
        http,
        origin,
        SecretString::from("00Dx!token"),
        ApiVersion::new(62, 0),
    )
    .unwrap()
}

#[tokio::test]
async fn a_302_to_another_host_is_not_followed() {
    let (elsewhere, hits) = target().await;
    let location = format!("{elsewhere}/secret");
    let loc = location.clone();
    let loc2 = location.clone();
    let origin = serve(
        Router::new()
            .route(
                "/services/data/",
                get(move || async move { (StatusCode::FOUND, [(header::LOCATION, loc)]) }),
            )
            .route(
                "/services/oauth2/token",
                post(move || async move { (StatusCode::FOUND, [(header::LOCATION, loc2)]) }),
            ),
    )
    .await;
    // Both hosts are allowlisted: only the no-redirect rule stands between the token and `elsewhere`.
    let client = http(&[&origin, &elsewhere], Duration::from_secs(5));

    let e = rest(client.clone(), &origin).versions().await.unwrap_err();
    assert!(
        matches!(&e, Error::Protocol(m) if m.contains("redirect not followed")),
        "{e}"
    );

    let oauth = OAuthClient::new(
        client,
        OAuthConfig {
            login_host: LoginHost::parse(
                &origin,
                &HostPolicy::with_dev_origins([&origin]).unwrap(),
            )
            .unwrap()
            .host,
            client_id: "id".into(),
            client_secret: None,
            redirect_uri: url::Url::parse("https://app.example/cb").unwrap(),
        },
    )
    .unwrap();
    let e = oauth
        .exchange_code(
            &SecretString::from("code"),
            &SecretString::from("v".repeat(43)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Protocol(m) if m.contains("redirect not followed")),
        "{e}"
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the redirect target was never contacted"
    );
}

#[tokio::test]
async fn total_timeout_fires() {
    let origin = serve(Router::new().route(
        "/services/data/",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "[]"
        }),
    ))
    .await;
    let started = Instant::now();
    let e = rest(http(&[&origin], Duration::from_millis(300)), &origin)
        .versions()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Transient { .. }) && e.is_retryable(),
        "{e}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(1300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn hosts_outside_the_policy_are_never_contacted() {
    let (other, hits) = target().await;
    let client = http(&[], Duration::from_secs(5));
    let e = RestClient::new(
        client,
        &other,
        SecretString::from("t"),
        ApiVersion::new(62, 0),
    )
    .unwrap_err();
    assert!(matches!(e, Error::Host(_)), "{e}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn failures_are_classified_and_limit_info_is_kept() {
    let origin = serve(
        Router::new()
            .route("/services/data/v62.0/limits", get(|| async {
                (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "text/html")], "<html>down</html>")
                    .into_response()
            }))
            .route("/services/data/v62.0/sobjects/Account/describe", get(|| async {
                (
                    StatusCode::UNAUTHORIZED,
                    [("Sforce-Limit-Info", "api-usage=9500/10000")],
                    r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
                )
            })),
    )
    .await;
    let c = rest(http(&[&origin], Duration::from_secs(5)), &origin);
    let e = c.limits().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transient {
                status: Some(503),
                ..
            }
        ),
        "{e}"
    );
    let e = c.describe("Account", None).await.unwrap_err();
    assert!(matches!(e, Error::SessionExpired(_)), "{e}");
    assert!(!e.to_string().contains("00Dx!token"));
    let info = c.last_limit_info().unwrap();
    assert_eq!(info.api_usage.unwrap().fraction(), Some(0.95));
}
