//! The organization's prepared-changes policy form, on its Salesforce settings page.

use leptos::prelude::*;

use crate::api::changes::{PolicyView, SavePolicy};
use crate::components::outcome::FormError;

#[component]
pub fn ChangePolicyForm(
    org: String,
    policy: PolicyView,
    save: ServerAction<SavePolicy>,
) -> impl IntoView {
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let actions = policy.actions.clone();
    let action = move |verb: &'static str, label: &'static str| {
        let checked = actions.iter().any(|a| a == verb);
        view! {
            <label class="choice">
                <input type="checkbox" name="actions[]" value=verb checked=checked />
                {label}
            </label>
        }
    };
    view! {
        <section>
            <h2 id="prepared-changes">"Prepared changes"</h2>
            <p>
                "When on, people (and assistants acting for them) may prepare creates, updates, upserts and deletes. "
                "Each runs in Salesforce only after its person approves the exact preview, with that person's own Salesforce access. "
                "Turning this on needs your password from the last 5 minutes."
            </p>
            <ActionForm action=save attr:class="settings">
                <FormError error />
                <input type="hidden" name="org" value=org />
                <fieldset>
                    <legend>"Write policy (version "{policy.version}")"</legend>
                    <label class="choice">
                        <input type="checkbox" name="enabled" checked=policy.enabled />
                        "Allow prepared changes"
                    </label>
                    <fieldset>
                        <legend>"Actions"</legend>
                        {action("create", "Create")}
                        {action("update", "Update")}
                        {action("upsert", "Upsert")}
                        {action("delete", "Delete")}
                    </fieldset>
                    <label>
                        "Objects (API names; empty means every object the person's Salesforce user may change)"
                        <input type="text" name="objects" value=policy.objects.clone() placeholder="Account, Contact, Quality_Issue__c" />
                    </label>
                    <label>
                        "Hours a proposal waits for approval"
                        <input type="text" inputmode="numeric" name="expiry_hours" value=policy.expiry_hours.to_string() />
                    </label>
                    <button type="submit">"Save policy"</button>
                </fieldset>
            </ActionForm>
        </section>
    }
}
