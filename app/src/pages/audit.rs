//! `/o/:org/settings/audit`: the audit trail for org admins (every event) and group admins (their
//! groups' events): newest first, filtered by person, action and date, paged, and as CSV. The
//! filter is a plain GET form, so it works without JavaScript and every view has its own address.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::audit::{AuditFilterView, AuditView, get_audit};
use crate::components::layout::Layout;
use crate::components::outcome::guarded;

fn href(path: &str, filter: &AuditFilterView, page: Option<u64>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("person", &filter.person),
        ("action", &filter.action),
        ("from", &filter.from),
        ("to", &filter.to),
    ] {
        if !v.is_empty() {
            query.append_pair(k, v);
        }
    }
    if let Some(page) = page {
        query.append_pair("page", &page.to_string());
    }
    format!("{path}?{}", query.finish())
}

fn filter_form(data: &AuditView) -> impl IntoView + use<> {
    let f = data.filter.clone();
    let people = data
        .people
        .iter()
        .map(|(id, email)| {
            let selected = *id == f.person;
            view! { <option value=id.clone() selected=selected>{email.clone()}</option> }
        })
        .collect_view();
    let actions = data
        .actions
        .iter()
        .map(|a| {
            let selected = *a == f.action;
            view! { <option value=a.clone() selected=selected>{a.clone()}</option> }
        })
        .collect_view();
    view! {
        <form method="get" class="filters">
            <label>"Person"
                <select name="person"><option value="">"Anyone"</option>{people}</select>
            </label>
            <label>"Action"
                <select name="action"><option value="">"Any action"</option>{actions}</select>
            </label>
            <label>"From (UTC)" <input type="date" name="from" value=f.from.clone() /></label>
            <label>"To (UTC)" <input type="date" name="to" value=f.to.clone() /></label>
            <button type="submit">"Filter"</button>
        </form>
    }
}

fn table(data: &AuditView) -> impl IntoView + use<> {
    if data.rows.is_empty() {
        return view! { <p class="empty">"No events match."</p> }.into_any();
    }
    let body = data
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td>{r.at.clone()}</td>
                    <td>{r.person.clone()}</td>
                    <td><code>{r.action.clone()}</code></td>
                    <td>{r.target.clone()}</td>
                    <td><code class="details">{r.details.clone()}</code></td>
                    <td>{r.ip.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap tall">
            <table class="data audit">
                <thead>
                    <tr>
                        <th scope="col">"When"</th><th scope="col">"Person"</th><th scope="col">"Action"</th>
                        <th scope="col">"About"</th><th scope="col">"Details"</th><th scope="col">"Address"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            (
                params.read().get("org").unwrap_or_default(),
                get("person"),
                get("action"),
                get("from"),
                get("to"),
                get("page").parse::<u64>().unwrap_or(1),
            )
        },
        |(org, person, action, from, to, page)| get_audit(org, person, action, from, to, page),
    );
    guarded(data, |data| {
        let org = data.context.org_slug.clone();
        let path = format!("/o/{org}/settings/audit");
        let csv = href(&format!("{path}.csv"), &data.filter, None);
        let newer = (data.page > 1).then(|| {
            let link = href(&path, &data.filter, Some(data.page - 1));
            view! { <a class="button secondary" href=link>"Newer events"</a> }
        });
        let older = data.more.then(|| {
            let link = href(&path, &data.filter, Some(data.page + 1));
            view! { <a class="button secondary" href=link>"Older events"</a> }
        });
        view! {
            <Title text=format!("Audit trail — {}", data.context.org_name) />
            <Layout viewer=data.context.viewer.clone() org=Some(data.context.clone())>
                <h1>"Audit trail"</h1>
                <p class="lead">{data.scope.clone()} " Newest first; details show fingerprints, never secrets."</p>
                {filter_form(&data)}
                {data.problem.clone().map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
                <p class="count" role="status">{format!("Page {}", data.page)}</p>
                <div class="actions">
                    {newer}
                    {older}
                    {(!data.rows.is_empty()).then(|| view! {
                        <a class="button secondary" href=csv download="">"Download as CSV"</a>
                    })}
                </div>
                {table(&data)}
            </Layout>
        }
    })
}
