//! The Salesforce OAuth app an organization uses, and the overrides its groups set: what an admin
//! may enter, how it is stored (secrets sealed, every save versioned and audited), when saving
//! needs a fresh password (step-up), and which app applies to each person.

mod effective;
mod environment;
mod input;
mod marking;
mod preflight;
mod refusals;
mod step_up_rule;
mod store;

pub use effective::{AppOrigin, Effective, EffectiveApp, GroupOutcome};
pub use input::{AppSource, AuthBaseUrl, ClientId, SecretChange, SettingsForm, SettingsInput};
pub use preflight::{Check, Light};
pub use store::{SaveOutcome, SavedSettings, Scope, SettingsService};

use salesforce::LoginHost;
use secrecy::SecretString;

/// The provider name stored in `integration_settings.provider`.
pub const PROVIDER: &str = "salesforce";

/// Scopes Sofie asks for: API access and offline refresh.
pub const SCOPES: [&str; 3] = ["api", "refresh_token", "offline_access"];

/// Sofie's own OAuth app, configured by the operator; organizations may choose it.
#[derive(Clone, Debug)]
pub struct DefaultApp {
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    pub login_host: LoginHost,
}
