//! The `salesforce-sim` binary: one JSON line with every URL, then it serves until stopped; with
//! `--tls-cert FILE` every host speaks HTTPS with the certificate it wrote to FILE.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use salesforce_sim::SimUrls;

/// Starts the binary with `args`; returns it and the URLs of its first line.
fn start(args: &[&str]) -> (Child, SimUrls) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_salesforce-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let urls = serde_json::from_str(&line).expect("one JSON line of URLs");
    (child, urls)
}

fn stop(mut child: Child) {
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn binary_prints_its_urls_and_serves() {
    let config =
        std::env::temp_dir().join(format!("salesforce-sim-bin-{}.json", std::process::id()));
    std::fs::write(&config, r#"{"instance_count": 3, "query_batch_size": 10}"#).unwrap();
    let (child, urls) = start(&["--config", config.to_str().unwrap(), "--bind", "127.0.0.1"]);
    assert_eq!(urls.instances.len(), 3);
    for url in urls.all_origins() {
        assert!(
            url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
            "{url}"
        );
    }
    let versions = reqwest::get(format!("{}/services/data/", urls.instances[2]))
        .await
        .unwrap();
    assert_eq!(versions.status(), 200);
    stop(child);
    std::fs::remove_file(&config).unwrap();
}

#[tokio::test]
async fn tls_cert_serves_https_that_only_the_written_certificate_opens() {
    let cert = std::env::temp_dir().join(format!("salesforce-sim-tls-{}.pem", std::process::id()));
    let (child, urls) = start(&["--tls-cert", cert.to_str().unwrap()]);
    for url in urls.all_origins() {
        assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    }
    let pem = std::fs::read(&cert).expect("the certificate is written before the URLs");
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let versions = format!("{}/services/data/", urls.instances[0]);
    assert_eq!(trusting.get(&versions).send().await.unwrap().status(), 200);
    // What the login host advertises is on https too, so a client never falls back to http.
    let discovery = format!("{}/.well-known/openid-configuration", urls.login_production);
    let advertised = trusting.get(discovery).send().await.unwrap();
    let token_endpoint = format!("{}/services/oauth2/token", urls.login_production);
    assert!(advertised.text().await.unwrap().contains(&token_endpoint));
    assert!(
        reqwest::get(&versions).await.is_err(),
        "a client without the certificate refuses the host"
    );
    stop(child);
    std::fs::remove_file(&cert).unwrap();
}
