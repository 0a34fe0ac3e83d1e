//! `/o/:org/salesforce/changes/:id`: one proposal as Salesforce will be asked to make it: the
//! record, the object API name, every field as current → proposed value, who proposed it and
//! when, when it expires; then Approve, Reject, or Edit before approving.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::notice_view;
use crate::api::changes::{ChildLine, DiffLine, ProposalView, get_proposal};
use crate::components::outcome::guarded;
use crate::pages::workspace::{Tab, shell};

/// What Salesforce is asked to do, in its own terms.
fn request_text(p: &ProposalView) -> String {
    match (p.action.as_str(), &p.external_id, &p.record_id) {
        ("create", _, _) => match p.diff.iter().find(|d| d.by_sofie) {
            Some(key) => format!(
                "Create a {} record (sent as an upsert on {} = {}, so a retried create cannot make a second record)",
                p.object,
                key.field,
                key.proposed.clone().unwrap_or_default()
            ),
            None => format!("Create a {} record", p.object),
        },
        ("upsert", Some((field, value)), _) => format!(
            "Upsert the {} record whose {field} is {value} (update it if it exists, else create it)",
            p.object
        ),
        ("delete", _, Some(id)) => format!(
            "Delete the {} record {id} (it goes to the Recycle Bin)",
            p.object
        ),
        (_, _, Some(id)) => format!(
            "Update the {} record {id}: only the fields below are sent",
            p.object
        ),
        _ => p.summary.clone(),
    }
}

fn diff_table(action: &str, diff: Vec<DiffLine>) -> impl IntoView + use<> {
    if action == "delete" {
        return view! {
            <h2>"The record's fields, deleted with it"</h2>
            <div class="table-wrap">
                <table class="data diff">
                    <thead><tr><th scope="col">"Field"</th><th scope="col">"Value now"</th></tr></thead>
                    <tbody>
                        {diff.into_iter().map(|d| view! {
                            <tr>
                                <th scope="row"><span>{d.label}</span>" "<code>{d.field}</code></th>
                                <td>{d.current.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any();
    }
    view! {
        <h2>"What changes"</h2>
        <p class="hint">"Only these fields are sent; every other field stays as it is."</p>
        <div class="table-wrap">
            <table class="data diff">
                <thead>
                    <tr>
                        <th scope="col">"Field"</th>
                        <th scope="col">"Now"</th>
                        <th scope="col">"Proposed"</th>
                    </tr>
                </thead>
                <tbody>
                    {diff.into_iter().map(|d| {
                        let now = match &d.current {
                            None => view! { <span class="empty">"(no record yet)"</span> }.into_any(),
                            Some(v) if v.is_empty() => view! { <span class="empty">"empty"</span> }.into_any(),
                            Some(v) => view! { <del>{v.clone()}</del> }.into_any(),
                        };
                        let proposed = match d.proposed.as_deref() {
                            Some("") | None => view! { <ins class="empty">"empty (cleared)"</ins> }.into_any(),
                            Some(v) => view! { <ins>{v.to_owned()}</ins> }.into_any(),
                        };
                        view! {
                            <tr>
                                <th scope="row">
                                    <span>{d.label.clone()}</span>" "<code>{d.field.clone()}</code>
                                    {d.by_sofie.then(|| view! { <span class="hint">" set by Sofie"</span> })}
                                </th>
                                <td>{now}</td>
                                <td>{proposed}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

fn children_view(children: Vec<ChildLine>) -> impl IntoView {
    (!children.is_empty()).then(|| {
        view! {
            <h2>"Related records"</h2>
            <ul class="children">
                {children.into_iter().map(|c| {
                    let text = if c.cascades {
                        format!("Salesforce also deletes {} {} ({}).", c.count, c.object, c.relationship)
                    } else {
                        format!("{} {} ({}) block this delete: Salesforce will refuse it until they are removed or moved.", c.count, c.object, c.relationship)
                    };
                    view! { <li class:warn=!c.cascades>{text}</li> }
                }).collect_view()}
            </ul>
        }
    })
}

fn decisions(org: &str, p: &ProposalView) -> impl IntoView + use<> {
    let base = format!("/o/{org}/salesforce/changes/{}", p.id);
    let approve = p.can_approve.then(|| {
        let label = if p.state == "pending" {
            "Approve and make this change"
        } else {
            "Approve again"
        };
        view! {
            <form method="post" action=format!("{base}/approve") class="inline">
                <button type="submit">{label}</button>
            </form>
        }
    });
    let revise = p.can_revise.then(|| {
        let label = if p.by_assistant {
            "Edit before approving"
        } else {
            "Edit as a new revision"
        };
        view! { <a class="button secondary" href=format!("{base}/edit")>{label}</a> }
    });
    let reject = p.can_reject.then(|| {
        view! {
            <form method="post" action=format!("{base}/reject") class="reject">
                <label>
                    "Reason (optional)"
                    <input type="text" name="reason" maxlength="500" />
                </label>
                <button type="submit" class="secondary">"Reject"</button>
            </form>
        }
    });
    let candidates = (!p.candidates.is_empty()).then(|| {
        let done = format!("{base}/done");
        view! {
            <h2>"Records that could be this change"</h2>
            <ul>
                {p.candidates.iter().map(|(id, href)| view! {
                    <li>
                        <a href=href.clone()>{id.clone()}</a>" "
                        <form method="post" action=done.clone() class="inline">
                            <input type="hidden" name="record_id" value=id.clone() />
                            <button type="submit" class="secondary">"This one: mark done"</button>
                        </form>
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    view! {
        {candidates}
        <div class="decisions">{approve}{revise}</div>
        {reject}
    }
}

fn detail(org: String, p: ProposalView) -> impl IntoView {
    let alert = matches!(p.state.as_str(), "failed" | "needs_decision" | "unknown")
        || (p.state == "pending" && p.note.is_some());
    let note = p.note.clone().map(|n| {
        if alert {
            view! { <p class="form-error" role="alert">{n}</p> }.into_any()
        } else {
            view! { <p class="notice">{n}</p> }.into_any()
        }
    });
    let record = match (&p.record_href, &p.record_id) {
        (Some(href), _) => view! { <a href=href.clone()>{p.record_name.clone()}</a> }.into_any(),
        _ => view! { <span>{p.record_name.clone()}</span> }.into_any(),
    };
    let assign = p.auto_assign.map(|on| {
        if on {
            "Salesforce's active assignment rule runs and may give the record another owner."
        } else {
            "Salesforce's assignment rule does not run; you stay the owner."
        }
    });
    view! {
        <p class="lead">
            <span class=format!("state {}", p.state)>{p.state_label.clone()}</span>
            {format!(" · revision {}", p.revision)}
            {p.supersedes.map(|old| view! {
                " (replaces "<a href=format!("/o/{org}/salesforce/changes/{old}")>"revision "{p.revision - 1}</a>")"
            })}
        </p>
        {note}
        <dl class="details">
            <dt>"Salesforce is asked to"</dt><dd>{request_text(&p)}</dd>
            <dt>"Record"</dt><dd>{record}</dd>
            <dt>"Object API name"</dt><dd><code>{p.object.clone()}</code></dd>
            {p.record_id.clone().map(|id| view! { <dt>"Record id"</dt><dd><code>{id}</code></dd> })}
            {p.external_id.clone().map(|(field, value)| view! { <dt>"External id"</dt><dd><code>{field}</code>" = "{value}</dd> })}
            {assign.map(|a| view! { <dt>"Assignment rule"</dt><dd>{a}</dd> })}
            <dt>"Proposed by"</dt><dd>{p.proposed_by.clone()}", "{p.created_at.clone()}</dd>
            <dt>"Expires"</dt><dd>{p.expires_at.clone()}</dd>
            {p.approved_at.clone().map(|at| view! { <dt>"Approved"</dt><dd>{at}</dd> })}
            {p.reject_reason.clone().map(|r| view! { <dt>"Reason for rejecting"</dt><dd>{r}</dd> })}
            {p.result_record_id.clone().map(|id| view! { <dt>"Salesforce record id"</dt><dd><code>{id}</code></dd> })}
        </dl>
        {diff_table(&p.action, p.diff.clone())}
        {children_view(p.children.clone())}
        {p.result.clone().map(|r| view! {
            <details>
                <summary>"Salesforce's answer"</summary>
                <pre>{r}</pre>
            </details>
        })}
        {decisions(&org, &p)}
    }
}

#[component]
pub fn ProposalPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("org").unwrap_or_default(),
                p.get("id")
                    .and_then(|id| id.parse::<i64>().ok())
                    .unwrap_or(0),
            )
        },
        |(org, id)| get_proposal(org, id),
    );
    guarded(data, move |page| {
        let org = page.view.context.org_slug.clone();
        let title = match &page.view.outcome {
            crate::api::workspace::Outcome::Ready(p) => p.summary.clone(),
            _ => "Prepared change".to_string(),
        };
        shell(
            title,
            Tab::Changes,
            page.view,
            notice_view(page.notice),
            move |p: ProposalView| detail(org.clone(), p),
        )
    })
}
