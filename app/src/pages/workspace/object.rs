//! `/o/:org/salesforce/objects/:name`: one object as the connected Salesforce user sees it:
//! fields (filterable: required, writable by me, picklists), relationships as links, record
//! types and what the object supports.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{Tab, badge, shell};
use crate::api::workspace::{FieldRow, ObjectView, get_object};
use crate::components::outcome::guarded;

#[derive(Clone, Copy, Default)]
struct Filters {
    required: bool,
    writable: bool,
    picklists: bool,
}

impl Filters {
    fn keep(self, f: &FieldRow) -> bool {
        (!self.required || f.required)
            && (!self.writable || f.createable || f.updateable)
            && (!self.picklists || !f.picklist.is_empty())
    }
}

#[component]
fn FieldLine(org: String, field: FieldRow) -> impl IntoView {
    let references = field
        .reference_to
        .iter()
        .map(|target| view! { <a href=format!("/o/{org}/salesforce/objects/{target}")>{target.clone()}</a>" " })
        .collect_view();
    let picklist = (!field.picklist.is_empty()).then(|| {
        let count = field.picklist.iter().filter(|p| p.active).count();
        view! {
            <details>
                <summary>{format!("{count} active values")}</summary>
                <ul class="picklist">
                    {field.picklist.iter().map(|p| view! {
                        <li>
                            <code>{p.value.clone()}</code>
                            {(p.label != p.value).then(|| format!(" — {}", p.label))}
                            {p.default.then_some(" (default)")}
                            {(!p.active).then_some(" (inactive)")}
                        </li>
                    }).collect_view()}
                </ul>
            </details>
        }
    });
    view! {
        <tr>
            <th scope="row">{field.label.clone()}<br /><code>{field.name.clone()}</code></th>
            <td>{field.type_text.clone()}{(!field.reference_to.is_empty()).then(|| view! { " → " {references} })}</td>
            <td class="badges">
                {badge(field.required, "required")}
                {badge(field.createable, "create")}
                {badge(field.updateable, "update")}
                {field.traits.iter().map(|t| view! { <span class="badge">{t.clone()}</span> }).collect_view()}
            </td>
            <td>
                {field.relationship.clone().map(|r| view! { <span>"Relationship "<code>{r}</code></span> })}
                {field.controller.clone().map(|c| view! { <span>"Depends on "<code>{c}</code></span> })}
                {field.default_value.clone().map(|d| view! { <span>"Default "<code>{d}</code></span> })}
                {picklist}
            </td>
        </tr>
    }
}

fn detail(org: String, filters: Filters, object: ObjectView) -> impl IntoView {
    let shown: Vec<FieldRow> = object
        .fields
        .iter()
        .filter(|f| filters.keep(f))
        .cloned()
        .collect();
    let count = format!("{} of {} fields", shown.len(), object.fields.len());
    let sample = format!("SELECT Id FROM {} LIMIT 10", object.name);
    let query_href = format!(
        "/o/{org}/salesforce/query?{}",
        form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &sample)
            .finish()
    );
    let fields_org = org.clone();
    view! {
        <p class="lead">
            <code>{object.name.clone()}</code>" · "{object.kind.clone()}
            {object.key_prefix.clone().map(|p| format!(" · ids start with {p}"))}
        </p>
        <p class="badges" aria-label="Supported actions">
            "You can: "
            {object.actions.iter().map(|a| view! { <span class="badge">{a.clone()}</span> }).collect_view()}
        </p>
        <p class="actions">
            <a href=query_href>"Query this object"</a>
            {object.prepare.iter().map(|action| {
                let href = format!(
                    "/o/{org}/salesforce/prepare?{}",
                    form_urlencoded::Serializer::new(String::new())
                        .append_pair("object", &object.name)
                        .append_pair("action", action)
                        .finish()
                );
                let label = if action == "create" { "Prepare create" } else { "Prepare upsert" };
                view! { " · "<a href=href>{label}</a> }
            }).collect_view()}
        </p>
        <h2>"Fields"</h2>
        <p class="count" role="status">{count}</p>
        {if shown.is_empty() {
            view! { <p class="empty">"No field matches these filters."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="data">
                        <thead><tr><th scope="col">"Field"</th><th scope="col">"Type"</th><th scope="col">"For you"</th><th scope="col">"Details"</th></tr></thead>
                        <tbody>{shown.into_iter().map(|field| view! { <FieldLine org=fields_org.clone() field /> }).collect_view()}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <h2>"Related lists (child relationships)"</h2>
        {if object.children.is_empty() {
            view! { <p class="empty">"None visible to you."</p> }.into_any()
        } else {
            view! {
                <ul class="columns">
                    {object.children.iter().map(|c| view! {
                        <li>
                            <a href=format!("/o/{org}/salesforce/objects/{}", c.object)>{c.object.clone()}</a>
                            " via "<code>{c.field.clone()}</code>
                            {c.relationship.clone().map(|r| view! { " (sub-query "<code>{r}</code>")" })}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        <h2>"Record types"</h2>
        {if object.record_types.is_empty() {
            view! { <p class="empty">"This object has no record types."</p> }.into_any()
        } else {
            view! {
                <ul>
                    {object.record_types.iter().map(|r| view! {
                        <li>
                            {r.name.clone()}
                            {r.developer_name.clone().map(|d| view! { " "<code>{d}</code> })}
                            {r.default.then_some(" (your default)")}
                            {(!r.available).then_some(" (not available to you)")}
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

#[component]
pub fn ObjectPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("org").unwrap_or_default(),
                p.get("name").unwrap_or_default(),
            )
        },
        |(org, name)| get_object(org, name),
    );
    guarded(data, move |view| {
        let org = view.context.org_slug.clone();
        let name = params.read_untracked().get("name").unwrap_or_default();
        let on = move |key: &str| query.read().get(key).is_some_and(|v| v == "on");
        let filters = move || Filters {
            required: on("required"),
            writable: on("writable"),
            picklists: on("picklists"),
        };
        let checkbox = move |key: &'static str, label: &'static str| {
            view! {
                <label class="choice">
                    <input type="checkbox" name=key value="on" checked=move || on(key) />
                    {label}
                </label>
            }
        };
        let form = view! {
            <form method="get" class="toolbar">
                <fieldset class="inline">
                    <legend>"Show only fields that are"</legend>
                    {checkbox("required", "required")}
                    {checkbox("writable", "writable by me")}
                    {checkbox("picklists", "picklists")}
                </fieldset>
                <button type="submit">"Apply"</button>
            </form>
        };
        shell(
            format!("Object {name}"),
            Tab::Detail,
            view,
            form,
            move |object: ObjectView| move || detail(org.clone(), filters(), object.clone()),
        )
    })
}
