//! Logging setup: `RUST_LOG`-style filtering, `info` by default, as text or, with
//! `SOFIE_LOG_FORMAT=json`, one JSON object per line. SQL statements are not logged, as they
//! may carry values.

use tracing_subscriber::EnvFilter;

pub fn init() -> Result<(), String> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_sessions=warn"));
    let format = std::env::var("SOFIE_LOG_FORMAT").unwrap_or_default();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = match format.as_str() {
        "" | "text" => logs.try_init(),
        "json" => logs.json().flatten_event(true).try_init(),
        other => return Err(format!("SOFIE_LOG_FORMAT is {other:?}; use text or json")),
    };
    Ok(())
}
