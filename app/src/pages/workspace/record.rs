//! `/o/:org/salesforce/records/:object/:id`: one record, only the fields the connected
//! Salesforce user can see, grouped, lookups as links, and the record in Salesforce itself.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{Tab, shell};
use crate::api::workspace::{RecordPageView, get_record};
use crate::components::outcome::guarded;

fn detail(org: String, record: RecordPageView) -> impl IntoView {
    view! {
        <p class="lead">
            <a href=format!("/o/{org}/salesforce/objects/{}", record.object)>{record.object_label.clone()}</a>
            " · "<code>{record.id.clone()}</code>
        </p>
        <p class="actions">
            <a href=record.salesforce_url.clone() rel="noreferrer" target="_blank">"Open in Salesforce"</a>
            {record.prepare.iter().map(|action| {
                let href = format!(
                    "/o/{org}/salesforce/prepare?{}",
                    form_urlencoded::Serializer::new(String::new())
                        .append_pair("object", &record.object)
                        .append_pair("action", action)
                        .append_pair("id", &record.id)
                        .finish()
                );
                let label = if action == "update" { "Prepare update" } else { "Prepare delete" };
                view! { " · "<a href=href>{label}</a> }
            }).collect_view()}
        </p>
        {record.groups.into_iter().map(|group| view! {
            <section class="record-group">
                <h2>{group.title.clone()}</h2>
                <dl class="details">
                    {group.fields.into_iter().map(|f| view! {
                        <dt title=f.name.clone()>{f.label.clone()}</dt>
                        <dd>{match (f.href, f.value.is_empty()) {
                            (_, true) => view! { <span class="empty">"—"</span> }.into_any(),
                            (Some(link), false) => view! { <a href=link>{f.value}</a> }.into_any(),
                            (None, false) => view! { <span>{f.value}</span> }.into_any(),
                        }}</dd>
                    }).collect_view()}
                </dl>
            </section>
        }).collect_view()}
    }
}

#[component]
pub fn RecordPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("org").unwrap_or_default(),
                p.get("object").unwrap_or_default(),
                p.get("id").unwrap_or_default(),
            )
        },
        |(org, object, id)| get_record(org, object, id),
    );
    guarded(data, move |view| {
        let org = view.context.org_slug.clone();
        let title = match &view.outcome {
            crate::api::workspace::Outcome::Ready(r) => r.name.clone(),
            _ => "Salesforce record".to_string(),
        };
        shell(title, Tab::Detail, view, (), move |r: RecordPageView| {
            detail(org.clone(), r)
        })
    })
}
