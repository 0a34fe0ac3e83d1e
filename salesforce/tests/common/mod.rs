//! Shared helpers for the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::PathBuf;

/// `shared/salesforce/fixtures`, beside the repository checkout (`X/main` next to `X/shared`).
/// Fails loudly when it is missing: these tests must not pass by skipping.
pub fn fixtures_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/salesforce/fixtures");
    assert!(
        dir.join("SOURCES.md").is_file(),
        "fixtures not found at {} — the shared folder must be checked out beside the repository",
        dir.display()
    );
    dir
}

/// Every `*.json` file under `fixtures/<sub>`, sorted, with its bytes.
pub fn fixture_files(sub: &str) -> Vec<(String, Vec<u8>)> {
    let dir = fixtures_dir().join(sub);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect()
}

pub fn fixture(sub_and_name: &str) -> Vec<u8> {
    let p = fixtures_dir().join(sub_and_name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub mod sim;
