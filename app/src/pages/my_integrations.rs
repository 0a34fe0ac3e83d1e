//! `/o/:org/integrations`: every member's own integrations: which Salesforce app applies, and
//! their own Salesforce connection.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::connections::get_my_integrations;
use crate::api::tokens::{CreateAccessToken, RevokeAccessToken, get_my_tokens};
use crate::components::layout::Layout;
use crate::components::outcome::guarded;
use crate::components::salesforce_card::SalesforceCard;
use crate::components::settings_form::EffectiveSummary;
use crate::components::tokens::MyTokensSection;

#[component]
pub fn MyIntegrationsPage() -> impl IntoView {
    let params = use_params_map();
    let create = ServerAction::<CreateAccessToken>::new();
    let revoke = ServerAction::<RevokeAccessToken>::new();
    let tokens = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                create.version().get() + revoke.version().get(),
            )
        },
        |(org, _)| get_my_tokens(org),
    );
    let data = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                revoke.version().get(),
            )
        },
        |(org, _)| get_my_integrations(org),
    );
    guarded(data, move |data| {
        let context = data.context.clone();
        view! {
            <Title text=format!("My Integrations — {}", context.org_name) />
            <Layout viewer=context.viewer.clone() org=Some(context.clone())>
                <h1>"My Integrations"</h1>
                <p class="lead">
                    "Your connections to outside services, as " {context.org_name.clone()} " member ("
                    {context.role.clone()} ")."
                </p>
                {data.notice.clone().map(|n| {
                    let help = data.notice_entry.clone().map(|entry| view! {
                        " "
                        <a href=format!("/o/{}/integrations/salesforce/troubleshooting#{entry}", context.org_slug)>
                            "What this means, and what to do"
                        </a>
                    });
                    view! { <p class="notice" role="status">{n} {help}</p> }
                })}
                <section class="provider">
                    <h2>"Salesforce"</h2>
                    <SalesforceCard org=context.org_slug.clone() card=data.card.clone() />
                    <details>
                        <summary>"Which Salesforce app applies to you"</summary>
                        <EffectiveSummary effective=data.effective.clone() />
                    </details>
                    <p>
                        <a href=format!("/o/{}/integrations/salesforce/troubleshooting", context.org_slug)>
                            "Troubleshooting: what each Salesforce error means, and your values to compare"
                        </a>
                    </p>
                </section>
                {guarded(tokens, move |tokens| view! { <MyTokensSection data=tokens create revoke /> })}
            </Layout>
        }
    })
}
