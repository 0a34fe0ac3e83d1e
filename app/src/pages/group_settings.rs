//! `/o/:org/groups/:group/settings`: a group's settings, for its group admins and org admins.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::context::get_group_page;
use crate::components::layout::Layout;
use crate::components::outcome::guarded;

#[component]
pub fn GroupSettingsPage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || {
            let params = params.read();
            (
                params.get("org").unwrap_or_default(),
                params.get("group").unwrap_or_default(),
            )
        },
        |(org, group)| async move {
            // A group id that is not a number is a page that does not exist.
            let id = group
                .parse::<i64>()
                .map_err(|_| crate::error::AppError::NotFound)?;
            get_group_page(org, id).await
        },
    );
    guarded(page, |page| {
        view! {
            <Title text=format!("{} settings — {}", page.group.name, page.context.org_name) />
            <Layout viewer=page.context.viewer.clone() org=Some(page.context.clone())>
                <h1>{format!("Group settings › {}", page.group.name)}</h1>
                <section class="provider">
                    <h2>"Salesforce override"</h2>
                    <p>
                        "No override is set: members of this group use the organization's Salesforce settings. "
                        "Setting this group's own Salesforce app (client ID, client secret, auth base URL) will happen here."
                    </p>
                </section>
                <section>
                    <h2>"Members"</h2>
                    <ul>
                        {page
                            .members
                            .into_iter()
                            .map(|(name, role)| {
                                view! {
                                    <li>
                                        {name} " " <span class="role">{role}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            </Layout>
        }
    })
}
