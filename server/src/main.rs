use clap::Parser;
use secrecy::{ExposeSecret, SecretString};
use server::cli::{Cli, Command};
use server::startup::Application;
use server::{admin, demo, telemetry};

#[tokio::main]
async fn main() {
    let _ = dotenvy::dotenv();
    telemetry::init();
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
        Command::Migrate => {
            settings.prepare_sqlite_dir()?;
            let db = domain::db::connect(settings.database_url.expose_secret()).await?;
            domain::db::migrate(&db).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Demo => {
            let mut settings = settings;
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
            let logins = demo::seed(&app.db, &app.vault, &password).await?;
            let url = app.origins[0].as_str().trim_end_matches('/').to_string();
            demo::print_logins(&url, &logins, &password, generated, &sim.urls);
            // The simulator lives as long as the server.
            let served = serve(app).await;
            sim.shutdown().await;
            served
        }
        Command::Admin(command) => {
            settings.prepare_sqlite_dir()?;
            let db = domain::db::connect(settings.database_url.expose_secret()).await?;
            domain::db::migrate(&db).await?;
            admin::run(&db, command).await
        }
    }
}

async fn serve(app: Application) -> anyhow::Result<()> {
    tracing::info!(port = app.port(), "listening");
    app.run_until_stopped().await?;
    Ok(())
}
