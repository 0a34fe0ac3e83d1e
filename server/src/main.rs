use clap::Parser;
use secrecy::ExposeSecret;
#[cfg(feature = "demo")]
use secrecy::SecretString;
use server::cli::{Cli, Command};
use server::startup::Application;
use server::{admin, keys, telemetry};

// A page allocates many short-lived buffers from many worker threads; under load glibc's malloc
// was a fifth of the server's CPU and kept freed memory in per-thread arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let _ = dotenvy::dotenv();
    if let Err(err) = telemetry::init() {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
    let cli = Cli::parse();
    if let Err(err) = run(cli).await {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(Application::build(&settings).await?).await,
        Command::Migrate { check } => {
            settings.prepare_sqlite_dir()?;
            let db = domain::db::connect(settings.database_url.expose_secret()).await?;
            if check {
                domain::db::readiness(&db).await?;
            } else {
                domain::db::migrate(&db).await?;
            }
            println!("database is up to date");
            Ok(())
        }
        Command::Backup { file } => {
            let db = domain::db::connect(settings.database_url.expose_secret()).await?;
            domain::db::backup(&db, &file).await?;
            println!("backed up to {}", file.display());
            Ok(())
        }
        Command::Demo => demo(settings).await,
        Command::Keys(command) => keys::run(&settings, command).await,
        Command::Admin(command) => {
            settings.prepare_sqlite_dir()?;
            let db = domain::db::connect(settings.database_url.expose_secret()).await?;
            domain::db::migrate(&db).await?;
            admin::run(&settings, &db, command).await
        }
    }
}

async fn serve(app: Application) -> anyhow::Result<()> {
    tracing::info!(port = app.port(), "listening");
    app.run_until_stopped().await?;
    Ok(())
}

/// Demo mode: the simulator plays Salesforce in this process.
#[cfg(feature = "demo")]
async fn demo(mut settings: server::config::Settings) -> anyhow::Result<()> {
    use server::demo;
    let callbacks: Vec<String> = settings
        .origins(settings.site_addr)?
        .iter()
        .map(|o| {
            format!(
                "{}{}",
                o.as_str().trim_end_matches('/'),
                server::startup::CALLBACK_PATH
            )
        })
        .collect();
    let sim = salesforce_sim::spawn(demo::simulator_config(&callbacks)).await?;
    demo::use_simulator(&mut settings, &sim.urls);
    let app = Application::build(&settings).await?;
    let (password, generated) = match std::env::var("SOFIE_DEMO_PASSWORD") {
        Ok(p) if !p.is_empty() => (SecretString::from(p), false),
        _ => (admin::generate_password(), true),
    };
    let logins = demo::seed(&app.db, &app.settings, &app.changes, &password).await?;
    let url = app.origins[0].as_str().trim_end_matches('/').to_string();
    demo::print_logins(&url, &logins, &password, generated, &sim.urls);
    // The simulator lives as long as the server.
    let served = serve(app).await;
    sim.shutdown().await;
    served
}

/// A production build carries no simulator, seeded users or known passwords.
#[cfg(not(feature = "demo"))]
async fn demo(_: server::config::Settings) -> anyhow::Result<()> {
    anyhow::bail!(
        "this sofie was built without demo mode; build it with `cargo build -p server --features demo` \
         (scripts/run.sh does) to run the demo with the Salesforce simulator"
    )
}
