//! `/o/:org/groups/:group/settings`: a group's Salesforce override, for its group admins and
//! org admins.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::salesforce_settings::{SaveGroupOverride, get_group_override};
use crate::components::connections_table::ConnectionsTable;
use crate::components::layout::Layout;
use crate::components::outcome::{FormError, guarded};
use crate::components::settings_form::{
    EffectiveSummary, SettingsFields, StepUpActions, StepUpPrompt,
};
use crate::error::AppError;

#[component]
pub fn GroupSettingsPage() -> impl IntoView {
    let params = use_params_map();
    let step_up = StepUpActions::new();
    let save = ServerAction::<SaveGroupOverride>::new();
    let page = Resource::new(
        move || {
            let params = params.read();
            (
                params.get("org").unwrap_or_default(),
                params.get("group").unwrap_or_default(),
                save.version().get() + step_up.version(),
            )
        },
        |(org, group, _)| async move {
            // A group id that is not a number is a page that does not exist.
            let id = group.parse::<i64>().map_err(|_| AppError::NotFound)?;
            get_group_override(org, id).await
        },
    );
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    guarded(page, move |data| {
        let org = data.page.context.org_slug.clone();
        let back_to = format!("/o/{org}/groups/{}/settings", data.group.id);
        let features_on = data.page.features_on;
        let state = if data.page.settings.enabled {
            "The override is on: members of this group connect with the app below."
        } else {
            "The override is off: members of this group use the organization default."
        };
        let check = format!("/o/{}/groups/{}/settings/check", org, data.group.id);
        view! {
            <Title text=format!("{} settings — {}", data.group.name, data.page.context.org_name) />
            <Layout viewer=data.page.context.viewer.clone() org=Some(data.page.context.clone())>
                <h1>{format!("Group settings › {}", data.group.name)}</h1>
                {data.page.notice.clone().map(|n| view! { <p class="notice" role="status">{n}</p> })}
                <section class="provider">
                    <h2>"Salesforce override"</h2>
                    <p class="override-state">{state}</p>
                    {(!features_on).then(|| view! {
                        <p class="form-error">"The organization's Integrations or Salesforce feature is off, so nothing can be saved."</p>
                    })}
                    {data.page.step_up_pending.then(|| view! { <StepUpPrompt org=org.clone() back_to=back_to.clone() actions=step_up /> })}
                    <ActionForm action=save attr:class="settings">
                        <FormError error />
                        <input type="hidden" name="org" value=org.clone() />
                        <input type="hidden" name="group_id" value=data.group.id.to_string() />
                        <SettingsFields settings=data.page.settings.clone() org=false disabled=!features_on />
                    </ActionForm>
                    <p>
                        <a class="button secondary" href=check>"Check this app"</a>
                        " — the app this group's members connect with, checked without anyone's Salesforce account."
                    </p>
                    <h3>"The organization default"</h3>
                    <EffectiveSummary effective=data.org_default.clone() />
                </section>
                <section>
                    <h2>"Members"</h2>
                    <ul>
                        {data.members.iter().map(|(name, role)| view! {
                            <li>{name.clone()} " " <span class="role">{role.clone()}</span></li>
                        }).collect_view()}
                    </ul>
                </section>
                <section>
                    <h2>"Members' Salesforce connections"</h2>
                    <ConnectionsTable org=data.page.context.org_slug.clone() rows=data.connections.clone() disconnect=false />
                </section>
            </Layout>
        }
    })
}
