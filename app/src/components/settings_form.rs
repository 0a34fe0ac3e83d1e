//! Pieces of the Salesforce settings pages: the app fields, the step-up prompt, the
//! effective-app summary and copyable callback URLs.

use leptos::prelude::*;

use crate::api::salesforce_settings::{CancelStepUp, StepUp};
use crate::api::settings_dto::{EffectiveView, SettingsView};
use crate::components::outcome::FormError;

/// The app fields. `org` adds the choice between Sofie's default app and the organization's own.
#[component]
pub fn SettingsFields(settings: SettingsView, org: bool, disabled: bool) -> impl IntoView {
    let source_choice = org.then(|| {
        let own = settings.app_source == "organization";
        view! {
            <fieldset>
                <legend>"OAuth app"</legend>
                <label class="choice">
                    <input type="radio" name="app_source" value="default" checked=!own />
                    "Sofie's default app (configured by the Sofie operator)"
                </label>
                <label class="choice">
                    <input type="radio" name="app_source" value="organization" checked=own />
                    "Our organization's own Salesforce app"
                </label>
            </fieldset>
        }
    });
    let secret_state = match &settings.secret {
        Some(info) => format!(
            "A client secret is set (fingerprint {}), set {} by {}. Leave the field empty to keep it.",
            info.fingerprint, info.set_at, info.set_by
        ),
        None => {
            "No client secret is set. It is optional if your Salesforce app does not require one."
                .to_string()
        }
    };
    let has_secret = settings.secret.is_some();
    view! {
        <fieldset disabled=disabled>
            <label class="choice">
                <input type="checkbox" name="enabled" value="on" checked=settings.enabled />
                {if org { "Enable Salesforce for this organization" } else { "Use this group's own Salesforce app (override)" }}
            </label>
            {source_choice}
            <label>
                "Client ID (Consumer Key)"
                // `prop:value` too: after a save in place, the fields show what was stored.
                <input
                    type="text"
                    name="client_id"
                    value=settings.client_id.clone()
                    prop:value=settings.client_id
                    autocomplete="off"
                    spellcheck="false"
                />
            </label>
            <label>
                "Client Secret (Consumer Secret, optional)"
                // Write-only: the stored secret is never sent back to the browser.
                <input type="password" name="client_secret" value="" prop:value="" autocomplete="new-password" />
            </label>
            <p class="hint secret-state">{secret_state}</p>
            {has_secret.then(|| view! {
                <label class="choice">
                    <input type="checkbox" name="clear_secret" value="on" />
                    "Clear the stored client secret"
                </label>
            })}
            <label>
                "Auth Base URL"
                <input
                    type="text"
                    name="auth_base_url"
                    value=settings.auth_base_url.clone()
                    prop:value=settings.auth_base_url
                    placeholder="https://login.salesforce.com"
                    spellcheck="false"
                />
            </label>
            <p class="hint">
                "Production: https://login.salesforce.com · Sandbox: https://test.salesforce.com · "
                "My Domain: https://yourdomain.my.salesforce.com. A pasted Lightning or Setup URL is turned into its My Domain login host. Empty means production."
            </p>
            <button type="submit">"Save"</button>
        </fieldset>
    }
}

/// The actions of the step-up prompt, owned by the page so that it reloads when they complete.
#[derive(Clone, Copy)]
pub struct StepUpActions {
    pub step_up: ServerAction<StepUp>,
    pub cancel: ServerAction<CancelStepUp>,
}

impl StepUpActions {
    pub fn new() -> Self {
        Self {
            step_up: ServerAction::new(),
            cancel: ServerAction::new(),
        }
    }

    /// Changes whenever either action completes.
    pub fn version(&self) -> usize {
        self.step_up.version().get() + self.cancel.version().get()
    }
}

impl Default for StepUpActions {
    fn default() -> Self {
        Self::new()
    }
}

/// Shown while a save waits for the person's password.
#[component]
pub fn StepUpPrompt(org: String, back_to: String, actions: StepUpActions) -> impl IntoView {
    let StepUpActions { step_up, cancel } = actions;
    let error = Signal::derive(move || step_up.value().get().and_then(Result::err));
    let cancel_org = org.clone();
    view! {
        <section class="step-up" role="dialog" aria-labelledby="step-up-title">
            <h2 id="step-up-title">"Confirm your password to save"</h2>
            <p>
                "Changing a client secret, Client ID or Auth Base URL, or turning on prepared changes, needs your password from the last 5 minutes. "
                "Your changes are kept and saved as soon as you confirm."
            </p>
            <ActionForm action=step_up>
                <FormError error />
                <input type="hidden" name="org" value=org />
                <label>
                    "Your Sofie password"
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <button type="submit">"Confirm and save"</button>
            </ActionForm>
            <ActionForm action=cancel>
                <input type="hidden" name="org" value=cancel_org />
                <input type="hidden" name="back_to" value=back_to />
                <button type="submit" class="secondary">"Discard the change"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn EffectiveSummary(effective: EffectiveView) -> impl IntoView {
    view! {
        <div class="effective">
            <p>{effective.why}</p>
            {effective
                .apps
                .into_iter()
                .map(|app| {
                    view! {
                        <dl class="app">
                            <dt>"App"</dt>
                            <dd>{app.origin}</dd>
                            <dt>"Client ID"</dt>
                            <dd><code>{app.client_id}</code></dd>
                            <dt>"Login host"</dt>
                            <dd><code>{app.login_host}</code></dd>
                            <dt>"Scopes"</dt>
                            <dd><code>{app.scopes}</code></dd>
                        </dl>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// A URL to paste into Salesforce, selectable without JavaScript and copyable with it.
#[component]
pub fn CopyField(value: String, label: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = value.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
            if let Some(clipboard) = clipboard {
                let promise = clipboard.write_text(&text);
                leptos::task::spawn_local(async move {
                    if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
                        copied.set(true);
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <div class="copy-field">
            <input type="text" readonly value=value aria-label=label />
            <button type="button" class="secondary" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </div>
    }
}
