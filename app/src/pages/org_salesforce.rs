//! `/o/:org/settings/integrations/salesforce`: the organization's Salesforce OAuth app.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::changes::SavePolicy;
use crate::api::salesforce_settings::{SaveOrgSalesforce, get_org_salesforce};
use crate::api::tokens::RevokeAccessToken;
use crate::components::change_policy::ChangePolicyForm;
use crate::components::connections_table::ConnectionsTable;
use crate::components::layout::Layout;
use crate::components::outcome::{FormError, guarded};
use crate::components::settings_form::{
    CopyField, EffectiveSummary, SettingsFields, StepUpActions, StepUpPrompt,
};
use crate::components::tokens::TokensTable;

#[component]
pub fn OrgSalesforcePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let step_up = StepUpActions::new();
    let save = ServerAction::<SaveOrgSalesforce>::new();
    let save_policy = ServerAction::<SavePolicy>::new();
    let revoke = ServerAction::<RevokeAccessToken>::new();
    let page = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                query
                    .read()
                    .get("groups_page")
                    .and_then(|p| p.parse::<u64>().ok()),
                save.version().get()
                    + save_policy.version().get()
                    + revoke.version().get()
                    + step_up.version(),
            )
        },
        |(org, groups_page, _)| get_org_salesforce(org, groups_page),
    );
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    guarded(page, move |data| {
        let org = data.page.context.org_slug.clone();
        let back_to = format!("/o/{org}/settings/integrations/salesforce");
        let features_on = data.page.features_on;
        let settings = data.page.settings.clone();
        let version = format!(
            "Settings version {}{}",
            settings.version,
            settings
                .updated
                .clone()
                .map(|u| format!(", last saved {u}"))
                .unwrap_or_default()
        );
        let groups = data
            .groups
            .iter()
            .map(|g| {
                view! {
                    <tr>
                        <td>
                            <a href=format!("/o/{}/groups/{}/settings", org, g.group.id)>{g.group.name.clone()}</a>
                        </td>
                        <td>{if g.override_enabled { "on" } else { "off" }}</td>
                        <td><EffectiveSummary effective=g.members_get.clone() /></td>
                    </tr>
                }
            })
            .collect_view();
        let paging = data.groups_page;
        let groups_nav = (paging.pages > 1).then(|| {
            let link = |page: u64| {
                format!("/o/{org}/settings/integrations/salesforce?groups_page={page}#groups")
            };
            let first = (paging.page - 1) * paging.per_page + 1;
            let last = (first + data.groups.len() as u64).saturating_sub(1);
            view! {
                <nav class="paging" aria-label="Groups pages">
                    <span>{format!("Groups {first}–{last} of {}", paging.total)}</span>
                    {(paging.page > 1).then(|| view! {
                        <a class="button secondary" href=link(paging.page - 1)>"Previous groups"</a>
                    })}
                    {(paging.page < paging.pages).then(|| view! {
                        <a class="button secondary" href=link(paging.page + 1)>"Next groups"</a>
                    })}
                </nav>
            }
        });
        let callbacks = data
            .callback_urls
            .iter()
            .map(|url| view! { <CopyField value=url.clone() label="Callback URL" /> })
            .collect_view();
        let fix_features = format!("sofie admin features {org} --integrations on --salesforce on");
        let form_org = org.clone();
        view! {
            <Title text=format!("Salesforce — {}", data.page.context.org_name) />
            <Layout viewer=data.page.context.viewer.clone() org=Some(data.page.context.clone())>
                <p class="crumbs">
                    <a href=format!("/o/{org}/settings/integrations")>"Organization Settings › Integrations"</a>
                    " › Salesforce"
                </p>
                <h1>"Salesforce"</h1>
                {data.page.notice.clone().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                {(!features_on).then(|| view! {
                    <p class="form-error">
                        "The Integrations feature and the Salesforce integration feature must both be on before anything here can be saved. "
                        "Ask your Sofie operator: " <code>{fix_features}</code>
                    </p>
                })}
                {data.page.step_up_pending.then(|| view! { <StepUpPrompt org=org.clone() back_to actions=step_up /> })}
                <ActionForm action=save attr:class="settings">
                    <FormError error />
                    <input type="hidden" name="org" value=form_org />
                    <SettingsFields settings org=true disabled=!features_on />
                </ActionForm>
                {(!data.default_app_available).then(|| view! {
                    <p class="hint">"The Sofie operator has not configured a default app, so use your organization's own."</p>
                })}
                <p class="hint">{version}</p>
                <section>
                    <h2>"In Salesforce"</h2>
                    <p>
                        <a class="button secondary" href=format!("/o/{org}/settings/integrations/salesforce/check")>"Check this app"</a>
                        " — the saved app and its login host, checked without anyone's Salesforce account."
                    </p>
                    <p>"Add each callback URL to your Salesforce app (one per Sofie domain you use):"</p>
                    {callbacks}
                    <p>"OAuth scopes to add: " <code>{data.scopes.clone()}</code></p>
                    <p>
                        "PKCE: Sofie always sends a code challenge (S256) and its verifier, so turn on "
                        <em>"Require Proof Key for Code Exchange (PKCE)"</em> " in Salesforce."
                    </p>
                </section>
                <section id="groups">
                    <h2>"What each group's members get"</h2>
                    <div class="table-wrap">
                        <table class="data groups">
                            <thead><tr><th scope="col">"Group"</th><th scope="col">"Override"</th><th scope="col">"Members connect with"</th></tr></thead>
                            <tbody>{groups}
                            </tbody>
                        </table>
                    </div>
                    {groups_nav}
                </section>
                <ChangePolicyForm org=org.clone() policy=data.policy.clone() save=save_policy />
                <section>
                    <h2>"People's connections"</h2>
                    <ConnectionsTable org=org.clone() rows=data.connections.clone() disconnect=true />
                </section>
                <section id="tokens">
                    <h2>"Access tokens"</h2>
                    <p>"The tokens members made for assistants. Revoking one stops it at once; removing a member revokes all of theirs."</p>
                    <TokensTable org=org.clone() rows=data.tokens.clone() revoke admin=true />
                </section>
            </Layout>
        }
    })
}
