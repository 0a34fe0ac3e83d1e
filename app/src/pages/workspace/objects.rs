//! `/o/:org/salesforce/objects`: every object the connected Salesforce user can see, with what
//! they may do with each. The filter is a GET form (`?filter=`), so it works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{Tab, badge, shell};
use crate::api::workspace::{ObjectRow, get_objects};
use crate::components::outcome::guarded;

fn matches(row: &ObjectRow, filter: &str) -> bool {
    let filter = filter.trim().to_lowercase();
    filter.is_empty()
        || row.name.to_lowercase().contains(&filter)
        || row.label.to_lowercase().contains(&filter)
}

#[component]
fn ObjectTable(org: String, rows: Vec<ObjectRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"No object matches the filter."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"Object"</th>
                        <th scope="col">"API name"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"You can"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            view! {
                                <tr>
                                    <td><a href=format!("/o/{org}/salesforce/objects/{}", row.name)>{row.label.clone()}</a></td>
                                    <td><code>{row.name.clone()}</code></td>
                                    <td>{row.custom.then_some(view! { <span class="badge custom">{row.kind.clone()}</span> })}{(!row.custom).then(|| row.kind.clone())}</td>
                                    <td class="badges">
                                        {badge(row.searchable, "search")}
                                        {badge(row.queryable, "query")}
                                        {badge(row.createable, "create")}
                                        {badge(row.updateable, "update")}
                                        {badge(row.deletable, "delete")}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn ObjectsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || params.read().get("org").unwrap_or_default(),
        get_objects,
    );
    guarded(data, move |view| {
        let org = view.context.org_slug.clone();
        let filter = move || query.read().get("filter").unwrap_or_default();
        let form = view! {
            <form method="get" class="toolbar" role="search">
                <label>
                    "Filter by name or label"
                    <input type="search" name="filter" value=filter() />
                </label>
                <button type="submit">"Filter"</button>
            </form>
        };
        let table_org = org.clone();
        shell(
            "Salesforce objects".into(),
            Tab::Objects,
            view,
            form,
            move |rows: Vec<ObjectRow>| {
                move || {
                    let f = filter();
                    let shown: Vec<ObjectRow> =
                        rows.iter().filter(|r| matches(r, &f)).cloned().collect();
                    let count = format!("{} of {} objects", shown.len(), rows.len());
                    view! {
                        <p class="count" role="status">{count}</p>
                        <ObjectTable org=table_org.clone() rows=shown />
                    }
                }
            },
        )
    })
}
