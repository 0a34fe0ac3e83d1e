//! `/o/:org/salesforce/search?q=…&objects=…`: keyword search (SOSL built by the escaping
//! builder) over the chosen objects, or every searchable one.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{Tab, shell};
use crate::api::workspace::{SearchView, run_search};
use crate::components::outcome::guarded;

fn results(org: String, view: SearchView) -> impl IntoView {
    let searched = format!("Searched {}.", view.objects.join(", "));
    if view.hits.is_empty() {
        return view! {
            <p class="count" role="status">{searched}</p>
            <p class="empty">"Nothing found that your Salesforce user can see."</p>
        }
        .into_any();
    }
    let count = format!("{} records found. {searched}", view.hits.len());
    view! {
        <p class="count" role="status">{count}</p>
        <div class="table-wrap">
            <table class="data">
                <thead><tr><th scope="col">"Record"</th><th scope="col">"Object"</th><th scope="col">"Id"</th><th scope="col">"Fields"</th></tr></thead>
                <tbody>
                    {view.hits.into_iter().map(|hit| view! {
                        <tr>
                            <td><a href=format!("/o/{org}/salesforce/records/{}/{}", hit.object, hit.id)>{hit.name.clone()}</a></td>
                            <td><a href=format!("/o/{org}/salesforce/objects/{}", hit.object)><code>{hit.object.clone()}</code></a></td>
                            <td><code>{hit.id.clone()}</code></td>
                            <td>{hit.fields.iter().map(|(name, value)| view! { <span class="pair"><code>{name.clone()}</code>" "{value.clone()}</span> }).collect_view()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("org").unwrap_or_default(),
                q.get("q").unwrap_or_default(),
                q.get_all("objects").unwrap_or_default().join(","),
                q.get("fields").unwrap_or_default(),
            )
        },
        |(org, q, objects, fields)| run_search(org, q, objects, fields),
    );
    guarded(data, move |view| {
        let org = view.context.org_slug.clone();
        let q = query.read_untracked();
        let term = q.get("q").unwrap_or_default();
        let objects = q.get_all("objects").unwrap_or_default().join(", ");
        let fields = q.get("fields").unwrap_or_default();
        let form = view! {
            <form method="get" class="stack" role="search">
                <label>
                    "Search for"
                    <input type="search" name="q" value=term required minlength="2" />
                </label>
                <label>
                    "In objects (API names, comma-separated; empty for every searchable object)"
                    <input type="text" name="objects" value=objects placeholder="Account, Contact" spellcheck="false" />
                </label>
                <label>
                    "Also show fields (API names, comma-separated, where the object has them)"
                    <input type="text" name="fields" value=fields placeholder="Phone, Email" spellcheck="false" />
                </label>
                <div><button type="submit">"Search"</button></div>
            </form>
        };
        shell(
            "Search Salesforce".into(),
            Tab::Search,
            view,
            form,
            move |v: SearchView| results(org.clone(), v),
        )
    })
}
