//! `/o/:org/integrations`: every member's own integrations, and which Salesforce app applies.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::salesforce_settings::get_my_salesforce;
use crate::components::layout::Layout;
use crate::components::outcome::guarded;
use crate::components::settings_form::EffectiveSummary;

#[component]
pub fn MyIntegrationsPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("org").unwrap_or_default(),
        get_my_salesforce,
    );
    guarded(data, |(context, effective)| {
        view! {
            <Title text=format!("My Integrations — {}", context.org_name) />
            <Layout viewer=context.viewer.clone() org=Some(context.clone())>
                <h1>"My Integrations"</h1>
                <p class="lead">
                    "Your connections to outside services, as " {context.org_name.clone()} " member ("
                    {context.role.clone()} ")."
                </p>
                <section class="provider">
                    <h2>"Salesforce"</h2>
                    <EffectiveSummary effective />
                    <p class="hint">"Connecting your own Salesforce account comes with the connection feature."</p>
                </section>
            </Layout>
        }
    })
}
