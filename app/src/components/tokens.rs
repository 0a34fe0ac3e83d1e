//! Personal access tokens: the form that makes one, the list with Revoke, and the one-time
//! display of a new token. The forms are `ActionForm`s, so they work with and without JavaScript.

use leptos::prelude::*;

use crate::api::tokens::{
    CreateAccessToken, FreshToken, MyTokens, RevokeAccessToken, TokenDraft, TokenRow,
};
use crate::components::outcome::FormError;
use crate::components::settings_form::CopyField;

#[component]
fn Fresh(token: FreshToken) -> impl IntoView {
    view! {
        <div class="fresh-token" role="status">
            <p>
                <strong>{format!("Your new token “{}”", token.name)}</strong>
                {format!(" works until {}. ", token.expires)}
                "Copy it now: Sofie shows it only this once and keeps only a hash of it."
            </p>
            <CopyField value=token.secret label="New access token" />
            <p class="hint">
                "An assistant sends it as " <code>"Authorization: Bearer sofie_pat_…"</code>
                " to " <code>"/api/v1/salesforce/tools"</code> " on this Sofie."
            </p>
        </div>
    }
}

#[component]
fn RevokeForm(
    org: String,
    row: TokenRow,
    revoke: ServerAction<RevokeAccessToken>,
    admin: bool,
) -> impl IntoView {
    let label = format!("Revoke {}", row.name);
    view! {
        <ActionForm action=revoke attr:class="inline">
            <input type="hidden" name="org" value=org />
            <input type="hidden" name="token_id" value=row.id.to_string() />
            {admin.then(|| view! { <input type="hidden" name="from" value="admin" /> })}
            <button type="submit" class="secondary" aria-label=label>"Revoke"</button>
        </ActionForm>
    }
}

/// The tokens of a person (`admin = false`) or of the organization, with their owners.
#[component]
pub fn TokensTable(
    org: String,
    rows: Vec<TokenRow>,
    revoke: ServerAction<RevokeAccessToken>,
    admin: bool,
) -> impl IntoView {
    if rows.is_empty() {
        let empty = if admin {
            "Nobody in this organization has an access token."
        } else {
            "You have no access tokens."
        };
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|row| {
            let action = (row.state == "active").then(|| {
                view! { <RevokeForm org=org.clone() row=row.clone() revoke admin /> }
            });
            view! {
                <tr>
                    {admin.then(|| view! { <td>{row.owner.clone().unwrap_or_default()}</td> })}
                    <td>{row.name.clone()}</td>
                    <td><code>{row.hint.clone()}</code></td>
                    <td>{row.scopes.clone()}</td>
                    <td>{row.created.clone()}</td>
                    <td>{row.expires.clone()}</td>
                    <td>{row.last_used.clone().unwrap_or_else(|| "never".into())}</td>
                    <td>{row.state.clone()}</td>
                    <td>{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data tokens">
                <thead>
                    <tr>
                        {admin.then(|| view! { <th scope="col">"Member"</th> })}
                        <th scope="col">"Name"</th><th scope="col">"Starts with"</th><th scope="col">"Scopes"</th>
                        <th scope="col">"Created"</th><th scope="col">"Expires"</th><th scope="col">"Last used"</th>
                        <th scope="col">"State"</th><th scope="col">"Revoke"</th>
                    </tr>
                </thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn CreateForm(
    org: String,
    draft: TokenDraft,
    create: ServerAction<CreateAccessToken>,
) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let fresh_form = draft == TokenDraft::default();
    let checked = |scope: &str| -> bool {
        (fresh_form && scope == "salesforce:read") || draft.scopes.iter().any(|s| s == scope)
    };
    let read = checked("salesforce:read");
    let propose = checked("salesforce:propose");
    let days = if draft.days.is_empty() {
        "30".to_string()
    } else {
        draft.days.clone()
    };
    view! {
        <ActionForm action=create attr:class="settings">
            <FormError error />
            <input type="hidden" name="org" value=org />
            <fieldset>
                <legend>"New access token"</legend>
                <label>
                    "Name (the assistant or workflow that will use it)"
                    <input type="text" name="name" required maxlength="80" value=draft.name.clone() placeholder="Sofie chat" />
                </label>
                <fieldset>
                    <legend>"Scopes"</legend>
                    <label class="choice">
                        <input type="checkbox" name="scopes[]" value="salesforce:read" checked=read />
                        "salesforce:read — list and describe objects, search, query, read records and API usage"
                    </label>
                    <label class="choice">
                        <input type="checkbox" name="scopes[]" value="salesforce:propose" checked=propose />
                        "salesforce:propose — prepare changes that run only after you approve them here"
                    </label>
                </fieldset>
                <label>
                    "Days until it expires (1 to 90)"
                    <input type="number" name="days" min="1" max="90" required value=days />
                </label>
                <button type="submit">"Create token"</button>
            </fieldset>
        </ActionForm>
    }
}

/// My Integrations' "Access tokens for assistants" section.
#[component]
pub fn MyTokensSection(
    data: MyTokens,
    create: ServerAction<CreateAccessToken>,
    revoke: ServerAction<RevokeAccessToken>,
) -> impl IntoView {
    view! {
        <section class="provider" id="tokens">
            <h2>"Access tokens for assistants"</h2>
            <p>
                "A token lets an assistant or workflow use Salesforce for you, through your own connection: "
                "it sees only what your Salesforce user sees, and every change it prepares waits for your approval. "
                "It works only in this organization and stops when it expires, when you revoke it, or when you leave the organization."
            </p>
            {data.fresh.clone().map(|token| view! { <Fresh token /> })}
            <CreateForm org=data.org.clone() draft=data.draft.clone() create />
            <TokensTable org=data.org.clone() rows=data.tokens.clone() revoke admin=false />
        </section>
    }
}
