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

/// mimalloc's settings for a long-running server, as the environment variables it reads when the
/// process starts (the arena one only takes effect then). By default it commits its first arena
/// eagerly and purges freed memory a second later, and only when that thread allocates again, so
/// after a burst of sign-ins (19 MiB per Argon2 hash) idle workers kept it: 91 MB before the
/// first request, 108 MB idle after the load. With these, 37 MB and 56 MB, at the same throughput.
const ALLOCATOR_ENV: [(&str, &str); 2] = [
    ("MIMALLOC_ARENA_EAGER_COMMIT", "0"),
    ("MIMALLOC_PURGE_DELAY", "0"),
];

/// Starts this program again with [`ALLOCATOR_ENV`] unless the environment already sets them (an
/// operator's own choice wins). Returns only when it could not, and the defaults then stay.
fn with_allocator_settings() {
    use std::os::unix::process::CommandExt;
    if ALLOCATOR_ENV
        .iter()
        .any(|(name, _)| std::env::var_os(name).is_some())
    {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut args = std::env::args_os();
    let mut command = std::process::Command::new(exe);
    if let Some(arg0) = args.next() {
        command.arg0(arg0);
    }
    let err = command.args(args).envs(ALLOCATOR_ENV).exec();
    eprintln!("warning: could not apply the allocator settings ({err}); running with its defaults");
}

fn main() {
    // Before the runtime's threads exist, so the new image is the only copy that ever runs them.
    with_allocator_settings();
    start();
}

#[tokio::main]
async fn start() {
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
