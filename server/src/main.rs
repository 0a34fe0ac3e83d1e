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
            let app = Application::build(&settings).await?;
            let (password, generated) = match std::env::var("SOFIE_DEMO_PASSWORD") {
                Ok(p) if !p.is_empty() => (SecretString::from(p), false),
                _ => (admin::generate_password(), true),
            };
            let logins = demo::seed(&app.db, &password).await?;
            let url = app.origins[0].as_str().trim_end_matches('/').to_string();
            demo::print_logins(&url, &logins, &password, generated);
            serve(app).await
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
