//! `/o/:org/integrations`: every member's own integrations.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::context::{Area, get_org_context};
use crate::components::layout::Layout;
use crate::components::outcome::guarded;

#[component]
pub fn MyIntegrationsPage() -> impl IntoView {
    let params = use_params_map();
    let context = Resource::new(
        move || params.read().get("org").unwrap_or_default(),
        |org| get_org_context(org, Area::Member),
    );
    guarded(context, |context| {
        let available = context.integrations_enabled && context.salesforce_enabled;
        let status = if available {
            "Your organization has the Salesforce integration turned on. Connecting your own Salesforce account, \
             seeing its status and reconnecting will happen here once the connection feature ships."
        } else {
            "Your organization has not turned on the Salesforce integration. An organization admin can \
             ask the Sofie operator to enable it."
        };
        view! {
            <Title text=format!("My Integrations — {}", context.org_name) />
            <Layout viewer=context.viewer.clone() org=Some(context.clone())>
                <h1>"My Integrations"</h1>
                <p class="lead">
                    "Your connections to outside services, as " {context.org_name.clone()}
                    " member (" {context.role.clone()} ")."
                </p>
                <section class="provider">
                    <h2>"Salesforce"</h2>
                    <p>{status}</p>
                </section>
            </Layout>
        }
    })
}
