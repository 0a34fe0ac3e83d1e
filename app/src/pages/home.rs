//! `/`: the signed-in person's organizations and where to go in each.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::context::get_viewer;
use crate::components::layout::Layout;
use crate::components::outcome::guarded;

#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = Resource::new(|| (), |_| get_viewer());
    guarded(viewer, |viewer| {
        let orgs = viewer.orgs.clone();
        view! {
            <Title text="Home — Sofie" />
            <Layout viewer org=None>
                <h1>"Your organizations"</h1>
                {if orgs.is_empty() {
                    view! {
                        <p>
                            "You are not a member of any organization yet. Ask your Sofie operator to add you."
                        </p>
                    }
                        .into_any()
                } else {
                    view! {
                        <ul class="orgs">
                            {orgs
                                .into_iter()
                                .map(|org| {
                                    view! {
                                        <li>
                                            <a href=format!(
                                                "/o/{}/integrations",
                                                org.slug,
                                            )>{org.name}</a>
                                            " "
                                            <span class="role">{org.role}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </Layout>
        }
    })
}
