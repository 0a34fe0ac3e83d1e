//! The Salesforce card of My Integrations: exactly one state, with its buttons. Every button is a
//! plain form, so it works without JavaScript; Connect is a real form post (not a script
//! navigation) whose 303 takes the browser to Salesforce.

use leptos::prelude::*;

use crate::api::connections::{CardView, ConnectButton, ConnectionDetails};

#[component]
fn ConnectForms(org: String, buttons: Vec<ConnectButton>, verb: &'static str) -> impl IntoView {
    let several = buttons.len() > 1;
    buttons
        .into_iter()
        .map(|b| {
            let label = if several {
                format!("{verb} with {} ({})", b.label, b.login_host)
            } else {
                format!("{verb} Salesforce")
            };
            view! {
                <form method="post" action="/api/salesforce/connect" class="inline">
                    <input type="hidden" name="org" value=org.clone() />
                    <input type="hidden" name="app" value=b.key.clone() />
                    <button type="submit">{label}</button>
                    {(!several).then(|| view! { <span class="hint">" via " {b.label.clone()} " at " {b.login_host.clone()}</span> })}
                </form>
            }
        })
        .collect_view()
}

#[component]
fn Details(details: ConnectionDetails) -> impl IntoView {
    let org = match &details.org_name {
        Some(name) => format!("{name} ({})", details.org_id),
        None => details.org_id.clone(),
    };
    view! {
        <dl class="details">
            <dt>"Salesforce username"</dt><dd>{details.username.clone()}</dd>
            <dt>"Organization"</dt><dd>{org}</dd>
            <dt>"Environment"</dt><dd>{details.environment.clone()}</dd>
            <dt>"Instance"</dt><dd>{details.instance_host.clone()}</dd>
            <dt>"Granted scopes"</dt><dd>{details.scopes.clone()}</dd>
            <dt>"Connected since"</dt><dd>{details.connected_since.clone()}</dd>
            <dt>"Last successful call"</dt><dd>{details.last_call.clone().unwrap_or_else(|| "none yet".into())}</dd>
            <dt>"Last refresh"</dt><dd>{details.last_refresh.clone().unwrap_or_else(|| "none yet".into())}</dd>
            <dt>"Made with"</dt><dd>{details.app.clone()}</dd>
        </dl>
    }
}

#[component]
fn SimpleForm(
    org: String,
    action: &'static str,
    label: &'static str,
    secondary: bool,
) -> impl IntoView {
    view! {
        <form method="post" action=action class="inline">
            <input type="hidden" name="org" value=org />
            <button type="submit" class:secondary=secondary>{label}</button>
        </form>
    }
}

/// Where a connected person works with Salesforce.
#[component]
fn WorkLinks(org: String) -> impl IntoView {
    view! {
        <nav class="work-links" aria-label="Work with Salesforce">
            <a href=format!("/o/{org}/salesforce/objects")>"Objects"</a>
            <a href=format!("/o/{org}/salesforce/search")>"Search"</a>
            <a href=format!("/o/{org}/salesforce/query")>"SOQL query"</a>
        </nav>
    }
}

#[component]
pub fn SalesforceCard(org: String, card: CardView) -> impl IntoView {
    match card {
        CardView::NotAvailable { why } => view! {
            <p class="state">"Not available"</p>
            <p>{why}</p>
        }
        .into_any(),
        CardView::NotConnected { buttons } => view! {
            <p class="state">"Not connected"</p>
            <p>"Connect your own Salesforce account. Sofie then works only with the records your Salesforce user can see."</p>
            <ConnectForms org buttons verb="Connect" />
        }
        .into_any(),
        CardView::Connected(details) => {
            let warning = details.offline_warning.clone();
            let reconnect_org = org.clone();
            let app_key = details.app_key.clone();
            view! {
                <p class="state ok">{format!("Connected as {}", details.username)}</p>
                {warning.map(|w| view! { <p class="form-error" role="alert">{w} "."</p> })}
                <WorkLinks org=org.clone() />
                <Details details />
                <div class="actions">
                    <SimpleForm org=org.clone() action="/api/salesforce/check" label="Check now" secondary=true />
                    <a class="button secondary" href=format!("/o/{org}/integrations/salesforce/test")>"Test my connection"</a>
                    <form method="post" action="/api/salesforce/connect" class="inline">
                        <input type="hidden" name="org" value=reconnect_org />
                        <input type="hidden" name="app" value=app_key />
                        <button type="submit" class="secondary">"Reconnect"</button>
                    </form>
                    <SimpleForm org action="/api/salesforce/disconnect" label="Disconnect" secondary=true />
                </div>
            }
            .into_any()
        }
        CardView::NeedsReconnect { cause, details, buttons } => view! {
            <p class="state warn">"Needs reconnect"</p>
            <p role="alert">{cause}</p>
            <p><a href=format!("/o/{org}/integrations/salesforce/troubleshooting#invalid_grant")>"Why connections need reconnecting"</a></p>
            <Details details />
            <div class="actions">
                <ConnectForms org=org.clone() buttons verb="Reconnect" />
                <SimpleForm org action="/api/salesforce/disconnect" label="Disconnect" secondary=true />
            </div>
        }
        .into_any(),
    }
}
