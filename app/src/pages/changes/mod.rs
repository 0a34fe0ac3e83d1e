//! Prepared changes: the queue of a person's proposals, one proposal with its diff and
//! decisions, and the form that prepares or revises a change.

pub mod prepare;
pub mod proposal;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::changes::{ProposalView, QueueView, get_queue};
use crate::components::outcome::guarded;
use crate::pages::workspace::{Tab, shell};

/// A one-time notice from the last form post (what a decision did, or why it did not).
pub fn notice_view(notice: Option<String>) -> impl IntoView {
    notice.map(|n| view! { <p class="notice" role="status">{n}</p> })
}

fn rows(org: &str, proposals: Vec<ProposalView>) -> impl IntoView + use<> {
    let org = org.to_owned();
    view! {
        <div class="table-wrap">
            <table class="data changes">
                <thead>
                    <tr>
                        <th scope="col">"Change"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Proposed by"</th>
                        <th scope="col">"Expires"</th>
                    </tr>
                </thead>
                <tbody>
                    {proposals.into_iter().map(|p| view! {
                        <tr>
                            <td><a href=format!("/o/{org}/salesforce/changes/{}", p.id)>{p.summary.clone()}</a></td>
                            <td><span class=format!("state {}", p.state)>{p.state_label.clone()}</span></td>
                            <td>{p.proposed_by.clone()}</td>
                            <td>{p.expires_at.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

fn queue(org: String, q: QueueView) -> impl IntoView {
    let open = if q.open.is_empty() {
        view! {
            <p class="empty">
                "Nothing is waiting for you. Prepare a change from a record's page (Prepare update, Prepare delete) or an object's page (Prepare create)."
            </p>
        }
        .into_any()
    } else {
        rows(&org, q.open).into_any()
    };
    view! {
        <section>
            <h2>"Waiting for you"</h2>
            <p class="hint">"Nothing is sent to Salesforce until you approve the exact change shown."</p>
            {open}
        </section>
        {(!q.recent.is_empty()).then(|| view! {
            <section>
                <h2>"Recent"</h2>
                {rows(&org, q.recent)}
            </section>
        })}
    }
}

#[component]
pub fn ChangesQueuePage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("org").unwrap_or_default(),
        get_queue,
    );
    guarded(data, move |page| {
        let org = page.view.context.org_slug.clone();
        shell(
            "Prepared changes".into(),
            Tab::Changes,
            page.view,
            notice_view(page.notice),
            move |q: QueueView| queue(org.clone(), q),
        )
    })
}
