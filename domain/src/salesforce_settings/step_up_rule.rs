//! When a settings save needs a fresh step-up: any change that could send members' Salesforce
//! sign-ins somewhere new.

use super::SettingsService;
use super::effective::{self, Effective};
use super::input::{AppSource, SecretChange, SettingsInput};
use super::store::Scope;
use crate::entities::{integration_setting, organization};

/// Any change to the app source, client id, client secret or Auth Base URL needs a fresh
/// step-up; so does switching on an app whose credentials differ from what members connect with
/// now. Each of these can send members' sign-ins to another Salesforce organization.
pub(super) fn needs_step_up(
    existing: Option<&integration_setting::Model>,
    input: &SettingsInput,
    switching_on_changes_members: bool,
) -> bool {
    let stored_source = existing.map_or(AppSource::Organization.as_str(), |r| &r.app_source);
    let stored_client = existing.and_then(|r| r.client_id.as_deref());
    let stored_host = existing.and_then(|r| r.auth_base_url.as_deref());
    let credentials_changed = input.secret != SecretChange::Keep
        || input.app_source.as_str() != stored_source
        || input.client_id.as_ref().map(|c| c.as_str()) != stored_client
        || input.auth_base_url.as_ref().map(|a| a.host.as_str()) != stored_host;
    let switched_on = input.enabled && !existing.is_some_and(|r| r.enabled);
    credentials_changed || (switched_on && switching_on_changes_members)
}

impl SettingsService {
    /// Whether switching `scope` on with `input` changes the app its members connect with.
    /// While the organization's app is off nobody connects, so switching it on always does; a
    /// group override changes nothing only when it names the organization's own client and host.
    pub(super) fn switching_on_changes_members(
        &self,
        org: &organization::Model,
        rows: &[integration_setting::Model],
        scope: Scope,
        input: &SettingsInput,
    ) -> bool {
        if scope == Scope::Org {
            return true;
        }
        let Effective::Ready { app, .. } =
            effective::org_level(org, rows, self.default_app.as_ref())
        else {
            return true;
        };
        let host = input
            .auth_base_url
            .as_ref()
            .map_or(effective::PRODUCTION, |a| a.host.as_str());
        input.client_id.as_ref().map(|c| c.as_str()) != Some(app.client_id.as_str())
            || host != app.login_host
    }
}
