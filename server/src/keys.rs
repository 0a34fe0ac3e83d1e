//! `sofie keys …`: the key-rotation procedure the README describes. Each command prints what it
//! did; a refusal is one line on stderr and a non-zero exit in `main`.

use domain::keys;
use domain::vault::Vault;
use secrecy::ExposeSecret;

use crate::cli::KeysCommand;
use crate::config::Settings;

pub async fn run(settings: &Settings, command: KeysCommand) -> anyhow::Result<()> {
    let ring = settings.key_ring()?;
    let vault = Vault::from_key_ring(&ring)?;
    if let KeysCommand::New = command {
        let next = vault.versions().max().unwrap_or(0) + 1;
        println!("{}", Vault::generate_key_line(next).expose_secret());
        eprintln!(
            "Add this line to SOFIE_SECRET_KEYS (or the key file) of every instance and restart them; \
             then remove ':standby' so it seals, restart again, and run `sofie keys rewrap`."
        );
        return Ok(());
    }
    settings.prepare_sqlite_dir()?;
    let db = domain::db::connect(settings.database_url.expose_secret()).await?;
    domain::db::migrate(&db).await?;
    vault.verify_against(&db).await??;
    match command {
        KeysCommand::New => unreachable!("handled above"),
        KeysCommand::Status => {
            let usage = keys::usage(&db).await?;
            for version in vault.versions() {
                let role = if version == vault.active_version() {
                    "active (seals)"
                } else {
                    "opens only"
                };
                let count = usage.get(&version).copied().unwrap_or(0);
                println!("key {version}: {role}; {count} sealed value(s)");
            }
        }
        KeysCommand::Rewrap { batch } => {
            let report = keys::rewrap(&db, &vault, batch.max(1), |column, done| {
                println!(
                    "  {}.{}: {done} re-sealed so far",
                    column.table, column.column
                );
            })
            .await?;
            let total: u64 = report.iter().map(|r| r.count).sum();
            for entry in &report {
                println!(
                    "{}.{}: {} re-sealed with key {}",
                    entry.column.table,
                    entry.column.column,
                    entry.count,
                    vault.active_version()
                );
            }
            println!("rewrap done: {total} value(s) re-sealed");
        }
        KeysCommand::Retire { version } => match keys::retire(&db, &vault, version).await? {
            Ok(()) => println!(
                "key {version} retired; remove it from SOFIE_SECRET_KEYS (or the key file) of every instance"
            ),
            Err(refused) => anyhow::bail!(refused),
        },
    }
    Ok(())
}
