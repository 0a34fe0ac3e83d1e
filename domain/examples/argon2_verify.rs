//! Argon2id verify time, as paid at sign-in and at step-up (m=19456 KiB, t=2, p=1), next to a
//! SHA-256 of the same password as the in-process baseline. `cargo run --release -p domain
//! --example argon2_verify`.

use std::time::{Duration, Instant};

use domain::names::NewPassword;
use domain::password::Passwords;
use secrecy::SecretString;
use sha2::{Digest, Sha256};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let passwords = Passwords::new();
    let typed = SecretString::from("correct horse battery staple");
    let hash = passwords
        .hash(&NewPassword::parse(typed.clone()).expect("a valid password"))
        .await
        .expect("hashing works");
    let mut argon = Vec::new();
    for _ in 0..50 {
        let start = Instant::now();
        let ok = passwords
            .verify(Some(hash.clone()), &typed)
            .await
            .expect("verify runs");
        argon.push(start.elapsed());
        assert!(ok.is_some());
    }
    let mut sha = Vec::new();
    for _ in 0..50 {
        let start = Instant::now();
        std::hint::black_box(Sha256::digest(b"correct horse battery staple"));
        sha.push(start.elapsed());
    }
    argon.sort();
    sha.sort();
    let (p50, p99) = (percentile(&argon, 0.5), percentile(&argon, 0.99));
    println!("argon2id verify (50 runs): p50 {p50:?}, p99 {p99:?}");
    println!(
        "sha-256 baseline: p50 {:?}; ratio {:.0}x",
        percentile(&sha, 0.5),
        p50.as_secs_f64() / percentile(&sha, 0.5).as_secs_f64().max(1e-9)
    );
}
