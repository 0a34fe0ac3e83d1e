//! `/o/:org/integrations/salesforce/confirm/:attempt`: a reconnect brought back another
//! Salesforce user or organization; nothing is replaced until the person decides.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::connections::get_identity_choice;
use crate::components::layout::Layout;
use crate::components::outcome::guarded;

#[component]
pub fn ConfirmIdentityPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("org").unwrap_or_default(),
                p.get("attempt")
                    .and_then(|a| a.parse::<i64>().ok())
                    .unwrap_or(-1),
            )
        },
        |(org, attempt)| get_identity_choice(org, attempt),
    );
    guarded(data, |data| {
        let org = data.context.org_slug.clone();
        let attempt = data.attempt.to_string();
        let choice = move |value: &'static str, label: &'static str, secondary: bool| {
            view! {
                <form method="post" action="/api/salesforce/identity-decide" class="inline">
                    <input type="hidden" name="org" value=org.clone() />
                    <input type="hidden" name="attempt" value=attempt.clone() />
                    <input type="hidden" name="choice" value=value />
                    <button type="submit" class:secondary=secondary>{label}</button>
                </form>
            }
        };
        view! {
            <Title text="Another Salesforce account" />
            <Layout viewer=data.context.viewer.clone() org=Some(data.context.clone())>
                <h1>"Another Salesforce account"</h1>
                <p>"You signed in to Salesforce as a different user or organization than your connection uses."</p>
                <dl class="details">
                    <dt>"Your connection now"</dt><dd>{data.current.clone()}</dd>
                    <dt>"The account you just approved"</dt><dd>{data.new.clone()}</dd>
                </dl>
                <p>"Replace your connection with the new account, or keep it (the new approval is then revoked at Salesforce)."</p>
                <div class="actions">
                    {choice("replace", "Replace with the new account", false)}
                    {choice("keep", "Keep my current connection", true)}
                </div>
            </Layout>
        }
    })
}
