//! `salesforce-sim`: runs the simulator until SIGINT/SIGTERM, after printing its URLs as one
//! JSON line on stdout (scripts read that line to learn the ports; with `--tls-cert` the
//! certificate file is written by then).

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;
use salesforce_sim::{SimConfig, spawn};

#[derive(Parser)]
#[command(
    name = "salesforce-sim",
    about = "A faithful Salesforce simulator (OAuth + REST) on loopback ports"
)]
struct Args {
    /// Connected apps, users, orgs and knobs (JSON or TOML); the built-in seed when absent.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Address every host listens on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port of the production login host (0 = random).
    #[arg(long)]
    production_port: Option<u16>,
    /// Port of the sandbox login host (0 = random).
    #[arg(long)]
    sandbox_port: Option<u16>,
    /// Port of the My Domain login host (0 = random).
    #[arg(long)]
    mydomain_port: Option<u16>,
    /// Ports of the instance hosts, comma-separated, in order (0 = random).
    #[arg(long, value_delimiter = ',')]
    instance_ports: Vec<u16>,
    /// Serve HTTPS, as Salesforce does, with a certificate made at start for 127.0.0.1 and
    /// localhost, written to FILE (PEM) before the URLs are printed, for clients to trust.
    #[arg(long, value_name = "FILE")]
    tls_cert: Option<PathBuf>,
    /// Print the effective config as JSON (a starting point for `--config`) and exit.
    #[arg(long)]
    print_config: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let args = Args::parse();
    let mut config = match &args.config {
        Some(path) => match SimConfig::from_file(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("salesforce-sim: {e}");
                return std::process::ExitCode::from(2);
            }
        },
        None => SimConfig::default(),
    };
    config.bind = args.bind;
    config.ports.login_production = args
        .production_port
        .unwrap_or(config.ports.login_production);
    config.ports.login_sandbox = args.sandbox_port.unwrap_or(config.ports.login_sandbox);
    config.ports.login_mydomain = args.mydomain_port.unwrap_or(config.ports.login_mydomain);
    if !args.instance_ports.is_empty() {
        config.ports.instances = args.instance_ports;
    }
    config.tls |= args.tls_cert.is_some();
    if args.print_config {
        println!(
            "{}",
            serde_json::to_string_pretty(&config).expect("config serializes")
        );
        return std::process::ExitCode::SUCCESS;
    }
    let sim = match spawn(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("salesforce-sim: cannot start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    if let (Some(path), Some(pem)) = (&args.tls_cert, &sim.certificate_pem)
        && let Err(e) = std::fs::write(path, pem)
    {
        eprintln!("salesforce-sim: cannot write {}: {e}", path.display());
        return std::process::ExitCode::FAILURE;
    }
    println!(
        "{}",
        serde_json::to_string(&sim.urls).expect("URLs serialize")
    );
    stopped().await;
    sim.shutdown().await;
    std::process::ExitCode::SUCCESS
}

async fn stopped() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("can listen for SIGTERM");
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
