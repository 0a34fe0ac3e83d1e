//! What the Salesforce settings pages show. Never a secret: only whether one is set.

use serde::{Deserialize, Serialize};

use super::context::{GroupLink, OrgContext};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecretInfo {
    pub fingerprint: String,
    pub set_at: String,
    pub set_by: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub enabled: bool,
    /// `default` or `organization`.
    pub app_source: String,
    pub client_id: String,
    pub secret: Option<SecretInfo>,
    pub auth_base_url: String,
    pub version: i32,
    pub updated: Option<String>,
}

/// Which app applies, in words a person can act on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppView {
    pub origin: String,
    pub client_id: String,
    pub login_host: String,
    pub scopes: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EffectiveView {
    pub available: bool,
    pub why: String,
    pub apps: Vec<AppView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub group: GroupLink,
    pub override_enabled: bool,
    pub members_get: EffectiveView,
}

/// Where one page of a long list stands.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Paging {
    /// 1-based.
    pub page: u64,
    pub pages: u64,
    pub per_page: u64,
    pub total: u64,
}

/// Common to the organization page and the group override page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SettingsPage {
    pub context: OrgContext,
    pub settings: SettingsView,
    pub features_on: bool,
    /// A save is waiting for the person to confirm their password.
    pub step_up_pending: bool,
    /// A one-time message after a save (e.g. "saved, version 3").
    pub notice: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgSalesforcePage {
    pub page: SettingsPage,
    pub default_app_available: bool,
    pub callback_urls: Vec<String>,
    pub scopes: String,
    /// One page of the groups, by name.
    pub groups: Vec<GroupSummary>,
    pub groups_page: Paging,
    pub connections: Vec<super::connections::ConnectionRow>,
    pub policy: super::changes::PolicyView,
    pub tokens: Vec<super::tokens::TokenRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupOverridePage {
    pub page: SettingsPage,
    pub group: GroupLink,
    pub members: Vec<(String, String)>,
    /// What members get while the override is off.
    pub org_default: EffectiveView,
    /// The group's members' Salesforce connections.
    pub connections: Vec<super::connections::ConnectionRow>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SaveResult {
    Saved {
        version: i32,
        note: Option<String>,
    },
    /// Nothing was saved yet; the page asks for the password, then completes the same save.
    StepUpRequired,
}
