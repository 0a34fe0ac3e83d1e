//! `/o/:org/settings/integrations`: Organization Settings › Integrations, for org admins.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::context::get_org_admin_context;
use crate::components::layout::Layout;
use crate::components::outcome::guarded;

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

#[component]
pub fn OrgIntegrationsPage() -> impl IntoView {
    let params = use_params_map();
    let context = Resource::new(
        move || params.read().get("org").unwrap_or_default(),
        get_org_admin_context,
    );
    guarded(context, |context| {
        let features_on = context.integrations_enabled && context.salesforce_enabled;
        let state = if features_on {
            "Available: set up the organization's Salesforce OAuth app, see the callback URLs to paste into \
             Salesforce and what each group's members get."
        } else {
            "Unavailable: both the Integrations feature and the Salesforce integration feature must be on. \
             Ask your Sofie operator to run `sofie admin features <org> --integrations on --salesforce on`."
        };
        view! {
            <Title text=format!("Integrations — {}", context.org_name) />
            <Layout viewer=context.viewer.clone() org=Some(context.clone())>
                <h1>"Organization Settings › Integrations"</h1>
                <table class="features">
                    <tbody>
                        <tr>
                            <th scope="row">"Integrations feature"</th>
                            <td>{on_off(context.integrations_enabled)}</td>
                        </tr>
                        <tr>
                            <th scope="row">"Salesforce integration feature"</th>
                            <td>{on_off(context.salesforce_enabled)}</td>
                        </tr>
                    </tbody>
                </table>
                <section class="provider">
                    <h2>"Salesforce"</h2>
                    <p>{state}</p>
                    <p>
                        <a href=format!("/o/{}/settings/integrations/salesforce", context.org_slug)>
                            "Salesforce settings"
                        </a>
                    </p>
                </section>
                <section>
                    <h2>"Groups"</h2>
                    <p>"Each group can override the organization's Salesforce app on its own settings page."</p>
                    <ul>
                        {context
                            .admin_groups
                            .iter()
                            .map(|g| {
                                view! {
                                    <li>
                                        <a href=format!(
                                            "/o/{}/groups/{}/settings",
                                            context.org_slug,
                                            g.id,
                                        )>{g.name.clone()}</a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    {context.more_groups.then(|| view! {
                        <p>
                            <a href=format!("/o/{}/settings/integrations/salesforce#groups", context.org_slug)>
                                "All groups, with what their members get"
                            </a>
                        </p>
                    })}
                </section>
            </Layout>
        }
    })
}
