//! The `salesforce-sim` binary: one JSON line with every URL, then it serves until stopped.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use salesforce_sim::SimUrls;

#[tokio::test]
async fn binary_prints_its_urls_and_serves() {
    let config =
        std::env::temp_dir().join(format!("salesforce-sim-bin-{}.json", std::process::id()));
    std::fs::write(&config, r#"{"instance_count": 3, "query_batch_size": 10}"#).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_salesforce-sim"))
        .args(["--config", config.to_str().unwrap(), "--bind", "127.0.0.1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let urls: SimUrls = serde_json::from_str(&line).expect("one JSON line of URLs");
    assert_eq!(urls.instances.len(), 3);
    for url in [
        &urls.login_production,
        &urls.login_sandbox,
        &urls.login_mydomain,
    ]
    .into_iter()
    .chain(&urls.instances)
    {
        assert!(
            url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
            "{url}"
        );
    }
    let versions = reqwest::get(format!("{}/services/data/", urls.instances[2]))
        .await
        .unwrap();
    assert_eq!(versions.status(), 200);
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&config).unwrap();
}
