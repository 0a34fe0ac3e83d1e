//! `/o/:org/salesforce/query?q=…`: the read-only SOQL console. The guard's refusals come back
//! with their position; results come one Salesforce batch per page, with a CSV of the rows shown.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{Tab, shell};
use crate::api::workspace::{QueryView, run_query};
use crate::components::outcome::guarded;

fn href(path: String, pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    format!("{path}?{}", query.finish())
}

fn results(org: String, asked: String, at: Option<String>, view: QueryView) -> impl IntoView {
    let shown = view.rows.len() as u64;
    let range = if shown == 0 {
        format!("No rows (total {}).", view.total)
    } else {
        format!(
            "Rows {}–{} of {}.",
            view.offset + 1,
            view.offset + shown,
            view.total
        )
    };
    let page = view.next.clone();
    let mut pairs = vec![("q", asked.as_str())];
    if let Some(at) = &at {
        pairs.push(("page", at));
    }
    let csv = href(format!("/o/{org}/salesforce/query.csv"), &pairs);
    let next = page.map(|locator| {
        let link = href(
            format!("/o/{org}/salesforce/query"),
            &[("q", &asked), ("page", &locator)],
        );
        view! { <a class="button" href=link>"Next rows"</a> }
    });
    view! {
        {view.notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <p class="count" role="status">{range}</p>
        <div class="actions">
            {(shown > 0).then(|| view! { <a class="button secondary" href=csv download="">"Download these rows as CSV"</a> })}
            {next}
        </div>
        {(shown > 0).then(|| view! {
            <div class="table-wrap tall">
                <table class="data">
                    <thead><tr>{view.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {view.rows.into_iter().map(|row| view! {
                            <tr>{row.into_iter().map(|cell| match cell.href {
                                Some(link) => view! { <td><a href=link>{cell.text}</a></td> }.into_any(),
                                None => view! { <td>{cell.text}</td> }.into_any(),
                            }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        <details><summary>"Statement sent"</summary><pre><code>{view.soql}</code></pre></details>
    }
}

#[component]
pub fn QueryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("org").unwrap_or_default(),
                q.get("q").unwrap_or_default(),
                q.get("page"),
            )
        },
        |(org, q, page)| run_query(org, q, page),
    );
    guarded(data, move |view| {
        let org = view.context.org_slug.clone();
        let asked = query.read_untracked().get("q").unwrap_or_default();
        let at = query.read_untracked().get("page");
        let form = view! {
            <form method="get" class="stack">
                <label>
                    "SOQL (read-only: one SELECT)"
                    <textarea name="q" rows="4" spellcheck="false" required>{asked.clone()}</textarea>
                </label>
                <div><button type="submit">"Run query"</button></div>
            </form>
        };
        shell(
            "SOQL query".into(),
            Tab::Query,
            view,
            form,
            move |v: QueryView| results(org.clone(), asked.clone(), at.clone(), v),
        )
    })
}
