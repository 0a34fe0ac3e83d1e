//! `--tls-cert FILE`: every host speaks HTTPS with a certificate made at start and written to
//! FILE, so a client that trusts that file (and only such a client) talks to it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use salesforce_sim::SimUrls;

#[tokio::test]
async fn tls_cert_serves_https_that_trusts_only_the_written_certificate() {
    let cert = std::env::temp_dir().join(format!("salesforce-sim-tls-{}.pem", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_salesforce-sim"))
        .args(["--tls-cert", cert.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let urls: SimUrls = serde_json::from_str(&line).expect("one JSON line of URLs");
    assert!(
        urls.all_origins()
            .iter()
            .all(|u| u.starts_with("https://127.0.0.1:")),
        "{urls:?}"
    );
    let pem = std::fs::read(&cert).expect("the certificate is written before the URLs");
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let versions = trusting
        .get(format!("{}/services/data/", urls.instances[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(versions.status(), 200);
    // What the login host advertises is on https too, so clients never fall back to http.
    let discovery: serde_json::Value = trusting
        .get(format!(
            "{}/.well-known/openid-configuration",
            urls.login_production
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token_endpoint = discovery["token_endpoint"].as_str().unwrap();
    assert_eq!(
        token_endpoint,
        format!("{}/services/oauth2/token", urls.login_production)
    );
    let untrusting = reqwest::get(format!("{}/services/data/", urls.instances[0])).await;
    assert!(
        untrusting.is_err(),
        "a client without the certificate refuses the host"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&cert).unwrap();
}
