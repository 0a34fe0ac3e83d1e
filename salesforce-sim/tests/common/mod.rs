//! Shared helpers: start a simulator, sign in through the HTML form, exchange codes.
#![allow(dead_code)] // each test binary uses a different subset of these helpers

pub mod rest;
pub mod shape;

#[allow(unused_imports)] // as dead_code above: not every binary uses them
pub use rest::*;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use salesforce_sim::{RunningSim, SimConfig, spawn};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "sofie-sim-client";
pub const CLIENT_SECRET: &str = "sofie-sim-secret";
pub const CALLBACK: &str = "http://localhost:3000/api/integrations/callback/salesforce";
pub const ADMIN: (&str, &str) = ("admin@acme.sim", "admin-pass-1");
pub const STANDARD_USER: (&str, &str) = ("standard@acme.sim", "standard-pass-1");
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

pub async fn start() -> RunningSim {
    spawn(SimConfig::default()).await.expect("simulator starts")
}

/// A client like the real one: no redirects followed.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The parameters of an authorize request.
pub struct Authorize<'a> {
    pub login: &'a str,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub state: &'a str,
    pub challenge: Option<String>,
}

impl<'a> Authorize<'a> {
    pub fn new(login: &'a str) -> Self {
        Authorize {
            login,
            client_id: CLIENT_ID,
            redirect_uri: CALLBACK,
            scope: "api refresh_token id",
            state: "st-123",
            challenge: Some(challenge(VERIFIER)),
        }
    }

    fn params(&self) -> Vec<(&str, String)> {
        let mut p = vec![
            ("response_type", "code".to_string()),
            ("client_id", self.client_id.to_string()),
            ("redirect_uri", self.redirect_uri.to_string()),
            ("scope", self.scope.to_string()),
            ("state", self.state.to_string()),
        ];
        if let Some(c) = &self.challenge {
            p.push(("code_challenge", c.clone()));
            p.push(("code_challenge_method", "S256".to_string()));
        }
        p
    }

    /// GETs the page (asserting it is the form), then POSTs the credentials; returns the response.
    pub async fn submit(&self, user: (&str, &str), approve: bool) -> reqwest::Response {
        let url = format!("{}/services/oauth2/authorize", self.login);
        let page = http()
            .get(&url)
            .query(&self.params())
            .send()
            .await
            .expect("GET authorize");
        assert_eq!(page.status(), StatusCode::OK, "authorize page");
        let mut form = self.params();
        form.push(("username", user.0.to_string()));
        form.push(("password", user.1.to_string()));
        form.push(("approve", approve.to_string()));
        http()
            .post(&url)
            .form(&form)
            .send()
            .await
            .expect("POST authorize")
    }

    /// Signs in and approves; returns the query pairs of the callback redirect.
    pub async fn callback(&self, user: (&str, &str), approve: bool) -> Vec<(String, String)> {
        let response = self.submit(user, approve).await;
        assert_eq!(
            response.status(),
            StatusCode::FOUND,
            "redirect to the callback"
        );
        let location = response.headers()["location"].to_str().unwrap().to_string();
        assert!(location.starts_with(self.redirect_uri), "{location}");
        url::Url::parse(&location)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect()
    }

    pub async fn code(&self, user: (&str, &str)) -> String {
        let pairs = self.callback(user, true).await;
        param(&pairs, "code").expect("code in callback")
    }
}

pub fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

pub async fn post_token(login: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = http()
        .post(format!("{login}/services/oauth2/token"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

pub async fn exchange(login: &str, code: &str) -> (StatusCode, Value) {
    post_token(
        login,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("code_verifier", VERIFIER),
        ],
    )
    .await
}

pub async fn refresh(
    login: &str,
    client_id: &str,
    secret: &str,
    token: &str,
) -> (StatusCode, Value) {
    post_token(
        login,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", client_id),
            ("client_secret", secret),
        ],
    )
    .await
}

/// Full sign-in of `user` on the production host; returns the token response.
pub async fn login(sim: &RunningSim, user: (&str, &str)) -> Value {
    let code = Authorize::new(&sim.urls.login_production).code(user).await;
    let (status, body) = exchange(&sim.urls.login_production, &code).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// GET on the instance with a bearer token; returns status, limit header and JSON (Null if empty).
pub async fn api_get(token: &Value, path: &str) -> (StatusCode, Option<String>, Value) {
    let url = format!("{}{path}", token["instance_url"].as_str().unwrap());
    let response = http()
        .get(url)
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let status = response.status();
    let limit = response
        .headers()
        .get("sforce-limit-info")
        .map(|v| v.to_str().unwrap().to_string());
    let text = response.text().await.unwrap();
    (
        status,
        limit,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        },
    )
}

pub async fn control(
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = http().request(method, format!("{base}{path}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
    )
}

/// Sends `method` with an optional JSON body to the instance; returns status and JSON (Null if empty).
pub async fn api_send(
    token: &Value,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let url = format!("{}{path}", token["instance_url"].as_str().unwrap());
    let mut request = http()
        .request(method, url)
        .bearer_auth(token["access_token"].as_str().unwrap());
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        },
    )
}

/// `GET …/query?q=` with the SOQL URL-encoded.
pub async fn soql(token: &Value, query: &str) -> (StatusCode, Value) {
    let q: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    let (status, _, body) = api_get(token, &format!("/services/data/v67.0/query?q={q}")).await;
    (status, body)
}

/// `post_token` for a form built from owned strings.
pub async fn post_token_owned(host: &str, form: &[(String, String)]) -> (StatusCode, Value) {
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    post_token(host, &borrowed).await
}
