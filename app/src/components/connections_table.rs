//! The organization's Salesforce connections as admins see them: never a token.

use leptos::prelude::*;

use crate::api::connections::ConnectionRow;

/// `disconnect`: org admins may end a connection, giving a reason for the audit trail.
#[component]
pub fn ConnectionsTable(org: String, rows: Vec<ConnectionRow>, disconnect: bool) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"Nobody has connected Salesforce yet."</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let status = match &row.cause {
                Some(cause) => format!("{}: {cause}", row.status),
                None => row.status.clone(),
            };
            let action = (disconnect && row.status != "disconnected").then(|| {
                let id = row.id.to_string();
                let label = format!("Reason for disconnecting {}", row.member);
                view! {
                    <form method="post" action="/api/salesforce/admin-disconnect" class="inline">
                        <input type="hidden" name="org" value=org.clone() />
                        <input type="hidden" name="connection_id" value=id />
                        <input type="text" name="reason" required maxlength="500" aria-label=label placeholder="Reason" />
                        <button type="submit" class="secondary">"Disconnect"</button>
                    </form>
                }
            });
            view! {
                <tr>
                    <td>{row.member}</td>
                    <td>{row.username}</td>
                    <td>{row.environment}</td>
                    <td>{row.app}</td>
                    <td>{status}</td>
                    <td>{row.last_used.unwrap_or_else(|| "never".into())}</td>
                    {disconnect.then(|| view! { <td>{action}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
        <table class="data connections">
            <thead>
                <tr>
                    <th>"Member"</th><th>"Salesforce username"</th><th>"Environment"</th>
                    <th>"App"</th><th>"Status"</th><th>"Last used"</th>
                    {disconnect.then(|| view! { <th>"Disconnect"</th> })}
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
        </div>
    }
    .into_any()
}
