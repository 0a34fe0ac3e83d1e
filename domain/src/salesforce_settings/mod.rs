//! The Salesforce OAuth app an organization uses, and the overrides its groups set: what an admin
//! may enter, how it is stored (secrets sealed, every save versioned and audited), when saving
//! needs a fresh password (step-up), and which app applies to each person.

mod effective;
mod input;
mod store;

pub use effective::{
    AppOrigin, Effective, EffectiveApp, GroupOutcome, effective_for, group_outcomes,
};
pub use input::{AppSource, AuthBaseUrl, ClientId, SecretChange, SettingsInput};
pub use store::{SaveOutcome, SavedSettings, Scope, load, save};

use salesforce::LoginHost;
use secrecy::SecretString;

/// The provider name stored in `integration_settings.provider`.
pub const PROVIDER: &str = "salesforce";

/// Scopes Sofie asks for: API access and offline refresh.
pub const SCOPES: [&str; 3] = ["api", "refresh_token", "offline_access"];

/// Step-up freshness: a password re-entered within this many seconds (not sliding).
pub const STEP_UP_WINDOW_SECS: i64 = 5 * 60;

/// Sofie's own OAuth app, configured by the operator; organizations may choose it.
#[derive(Clone, Debug)]
pub struct DefaultApp {
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    pub login_host: LoginHost,
}

/// Whether a step-up at `stepped_up_at` (Unix seconds) still counts at `now`.
pub fn step_up_is_fresh(stepped_up_at: Option<i64>, now: i64) -> bool {
    stepped_up_at.is_some_and(|at| at <= now && now - at <= STEP_UP_WINDOW_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_up_lasts_five_minutes_and_does_not_slide() {
        let now = 1_000_000;
        assert!(!step_up_is_fresh(None, now));
        assert!(step_up_is_fresh(Some(now - 10), now));
        assert!(step_up_is_fresh(Some(now - 300), now));
        assert!(!step_up_is_fresh(Some(now - 360), now), "6 minutes old");
        assert!(!step_up_is_fresh(Some(now + 60), now), "from the future");
    }
}
