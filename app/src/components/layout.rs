//! The frame around every signed-in page: organization switcher, navigation, sign-out.

use leptos::prelude::*;

use crate::api::auth::{Logout, LogoutEverywhere};
use crate::api::context::{OrgContext, Viewer};

/// The signed-in frame. `org` is the organization being viewed, when there is one.
#[component]
pub fn Layout(viewer: Viewer, org: Option<OrgContext>, children: Children) -> impl IntoView {
    let current_slug = org.as_ref().map(|o| o.org_slug.clone());
    let switcher = (viewer.orgs.len() > 1).then(|| {
        let label = org
            .as_ref()
            .map_or("Choose an organization".to_string(), |o| o.org_name.clone());
        view! {
            <details class="org-switcher">
                <summary>{label}</summary>
                <ul>
                    {viewer
                        .orgs
                        .iter()
                        .map(|o| {
                            let current = current_slug.as_deref() == Some(o.slug.as_str());
                            view! {
                                <li>
                                    <a
                                        href=format!("/o/{}/integrations", o.slug)
                                        aria-current=current.then_some("page")
                                    >
                                        {o.name.clone()}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </details>
        }
    });
    let nav = org.map(|org| {
        let slug = org.org_slug.clone();
        let settings = org.is_org_admin.then(|| {
            view! {
                <li>
                    <a href=format!("/o/{slug}/settings/integrations")>
                        "Organization Settings › Integrations"
                    </a>
                </li>
            }
        });
        let groups = org
            .admin_groups
            .iter()
            .map(|g| {
                view! {
                    <li>
                        <a href=format!("/o/{}/groups/{}/settings", org.org_slug, g.id)>
                            {format!("Group settings › {}", g.name)}
                        </a>
                    </li>
                }
            })
            .collect_view();
        let more_groups = org.more_groups.then(|| {
            view! {
                <li>
                    <a href=format!("/o/{}/settings/integrations/salesforce#groups", org.org_slug)>
                        "Group settings › All groups"
                    </a>
                </li>
            }
        });
        let audit = (org.is_org_admin || !org.admin_groups.is_empty()).then(|| {
            view! {
                <li>
                    <a href=format!("/o/{}/settings/audit", org.org_slug)>"Audit trail"</a>
                </li>
            }
        });
        view! {
            <nav aria-label="Main">
                <ul>
                    <li>
                        <a href=format!("/o/{}/integrations", org.org_slug)>"My Integrations"</a>
                    </li>
                    {settings}
                    {groups}
                    {more_groups}
                    {audit}
                </ul>
            </nav>
        }
    });
    let logout = ServerAction::<Logout>::new();
    let logout_everywhere = ServerAction::<LogoutEverywhere>::new();
    view! {
        <header class="top">
            <a class="brand" href="/">"Sofie"</a>
            {switcher}
            <span class="who">{viewer.name.clone()}</span>
            <ActionForm action=logout attr:class="inline">
                <button type="submit">"Sign out"</button>
            </ActionForm>
            <ActionForm action=logout_everywhere attr:class="inline">
                <button type="submit" class="secondary">"Sign out everywhere"</button>
            </ActionForm>
        </header>
        {nav}
        <main>{children()}</main>
    }
}
