//! The form posts of prepared changes. Each is a plain HTML form (they work without JavaScript)
//! answered with 303 to the page that shows what happened:
//! - `POST /o/{org}/salesforce/changes/prepare`: prepare (`object`, `action`, `id`, `external_id_field`,
//!   `external_id`, `auto_assign`, and `f:{Field}` for each value with `o:{Field}` its value as
//!   the form showed it, so only what the person changed is proposed);
//! - `POST …/changes/{id}/revise`: a new revision from the same fields;
//! - `POST …/changes/{id}/approve`, `…/reject` (`reason`), `…/done` (`record_id`).
//!
//! A refused form goes back to itself with every input and each field's problem.

use app::api::changes_ssr::Draft;
use app::api::ssr::SignedIn;
use app::error::AppError;
use axum::Form;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::DomainError;
use domain::access::Actor;
use domain::changes::{Action, PrepareRequest, Proposer};

type Pairs = Vec<(String, String)>;

fn see_other(path: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, path.to_owned())]).into_response()
}

fn one<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The `f:` values that differ from what the form showed (`o:`); every `f:` value when the
/// form showed none (a create).
fn changed_inputs(pairs: &Pairs) -> Pairs {
    pairs
        .iter()
        .filter_map(|(name, value)| Some((name.strip_prefix("f:")?, value)))
        .filter(|(name, value)| match one(pairs, &format!("o:{name}")) {
            Some(shown) => shown.trim() != value.trim(),
            None => !value.trim().is_empty(),
        })
        .map(|(name, value)| (name.to_owned(), value.clone()))
        .collect()
}

fn action_of(pairs: &Pairs) -> Result<Action, DomainError> {
    Ok(match one(pairs, "action").unwrap_or_default() {
        "create" => Action::Create,
        "update" => Action::Update,
        "delete" => Action::Delete,
        "upsert" => Action::Upsert {
            external_id_field: one(pairs, "external_id_field")
                .unwrap_or_default()
                .to_owned(),
        },
        _ => {
            return Err(DomainError::validation(
                "action",
                "Choose create, update, upsert or delete.",
            ));
        }
    })
}

fn auto_assign(pairs: &Pairs) -> Option<bool> {
    one(pairs, "auto_assign_shown").map(|_| one(pairs, "auto_assign").is_some())
}

fn proposal_path(org: &str, id: i64) -> String {
    format!("/o/{org}/salesforce/changes/{id}")
}

/// Where a failure goes: field problems and bad input back to the form with a draft, anything
/// a person can act on as a notice on `back`, the rest as the error page's status.
async fn refused(
    me: &SignedIn,
    err: DomainError,
    form: &str,
    back: &str,
    pairs: &Pairs,
) -> Response {
    let draft = |message: String, problems: Vec<(String, String)>| Draft {
        post_to: form.to_owned(),
        inputs: pairs
            .iter()
            .filter_map(|(n, v)| Some((n.strip_prefix("f:")?.to_owned(), v.clone())))
            .collect(),
        problems,
        message,
        external_id_field: one(pairs, "external_id_field").map(str::to_owned),
        external_id: one(pairs, "external_id").map(str::to_owned),
        auto_assign: auto_assign(pairs),
    };
    let kept = match err {
        DomainError::Fields(problems) => {
            let count = problems.len();
            let message = format!(
                "Nothing was stored: {count} value{} cannot be sent. Each is marked below.",
                if count == 1 { "" } else { "s" }
            );
            draft(
                message,
                problems.into_iter().map(|p| (p.field, p.reason)).collect(),
            )
        }
        DomainError::Validation { field, message } => {
            draft(message.clone(), vec![(field.to_owned(), message)])
        }
        DomainError::Conflict(_)
        | DomainError::Salesforce(_)
        | DomainError::NotConnected
        | DomainError::NeedsReconnect(_)
        | DomainError::UnknownObject { .. } => {
            let message = AppError::from(err).to_string();
            if let Err(e) = me.session.set_notice(&message).await {
                return e.into_response();
            }
            return see_other(back);
        }
        other => return AppError::from(other).into_response(),
    };
    match me.session.keep_draft(&kept).await {
        Ok(()) => see_other(back),
        Err(e) => e.into_response(),
    }
}

async fn signed_actor(
    signed_in: Result<SignedIn, AppError>,
    org: &str,
) -> Result<(SignedIn, Actor), Response> {
    let me = signed_in.map_err(IntoResponse::into_response)?;
    let actor = me.actor(org).await.map_err(IntoResponse::into_response)?;
    Ok((me, actor))
}

pub async fn prepare(
    signed_in: Result<SignedIn, AppError>,
    Path(org): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (me, actor) = match signed_actor(signed_in, &org).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let form = format!("/o/{org}/salesforce/changes/prepare");
    let object = one(&pairs, "object").unwrap_or_default().to_owned();
    let id = one(&pairs, "id").filter(|i| !i.trim().is_empty());
    let mut back = format!(
        "/o/{org}/salesforce/prepare?object={}&action={}",
        urlencoding(&object),
        urlencoding(one(&pairs, "action").unwrap_or_default())
    );
    if let Some(id) = id {
        back.push_str(&format!("&id={}", urlencoding(id)));
    }
    let request = match action_of(&pairs) {
        Ok(action) => PrepareRequest {
            object,
            action,
            record_id: id.map(str::to_owned),
            external_id: one(&pairs, "external_id").map(str::to_owned),
            inputs: changed_inputs(&pairs),
            auto_assign: auto_assign(&pairs),
        },
        Err(e) => return refused(&me, e, &form, &back, &pairs).await,
    };
    match me
        .services
        .changes
        .prepare(&actor, Proposer::Person, request)
        .await
    {
        Ok(proposal) => see_other(&proposal_path(&org, proposal.id)),
        Err(e) => refused(&me, e, &form, &back, &pairs).await,
    }
}

pub async fn revise(
    signed_in: Result<SignedIn, AppError>,
    Path((org, id)): Path<(String, i64)>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let (me, actor) = match signed_actor(signed_in, &org).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let form = format!("/o/{org}/salesforce/changes/{id}/revise");
    let back = format!("/o/{org}/salesforce/changes/{id}/edit");
    match me
        .services
        .changes
        .revise(&actor, id, changed_inputs(&pairs), auto_assign(&pairs))
        .await
    {
        Ok(proposal) => see_other(&proposal_path(&org, proposal.id)),
        Err(e) => refused(&me, e, &form, &back, &pairs).await,
    }
}

/// A decision on proposal `id`: the outcome is told on its page.
async fn decide(
    signed_in: Result<SignedIn, AppError>,
    org: String,
    id: i64,
    pairs: Pairs,
    verb: &'static str,
) -> Response {
    let (me, actor) = match signed_actor(signed_in, &org).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let changes = &me.services.changes;
    let result = match verb {
        "approve" => changes.approve(&actor, id).await,
        "reject" => {
            changes
                .reject(&actor, id, one(&pairs, "reason").unwrap_or_default())
                .await
        }
        _ => {
            changes
                .mark_done(&actor, id, one(&pairs, "record_id").unwrap_or_default())
                .await
        }
    };
    let path = proposal_path(&org, id);
    let notice = match result {
        Ok(p) => match p.state {
            domain::changes::State::Executed => "Done: Salesforce made the change.".to_owned(),
            domain::changes::State::Rejected => {
                "Rejected; nothing was sent to Salesforce.".to_owned()
            }
            _ => p.note.unwrap_or_else(|| "Saved.".into()),
        },
        Err(
            e @ (DomainError::NotFound(_)
            | DomainError::Unavailable(_)
            | DomainError::StorageFull(_)
            | DomainError::Internal { .. }
            | DomainError::Forbidden),
        ) => {
            return AppError::from(e).into_response();
        }
        Err(e) => AppError::from(e).to_string(),
    };
    match me.session.set_notice(&notice).await {
        Ok(()) => see_other(&path),
        Err(e) => e.into_response(),
    }
}

pub async fn approve(
    signed_in: Result<SignedIn, AppError>,
    Path((org, id)): Path<(String, i64)>,
    Form(pairs): Form<Pairs>,
) -> Response {
    decide(signed_in, org, id, pairs, "approve").await
}

pub async fn reject(
    signed_in: Result<SignedIn, AppError>,
    Path((org, id)): Path<(String, i64)>,
    Form(pairs): Form<Pairs>,
) -> Response {
    decide(signed_in, org, id, pairs, "reject").await
}

pub async fn mark_done(
    signed_in: Result<SignedIn, AppError>,
    Path((org, id)): Path<(String, i64)>,
    Form(pairs): Form<Pairs>,
) -> Response {
    decide(signed_in, org, id, pairs, "done").await
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_values_a_person_changed_are_proposed() {
        let pairs: Pairs = [
            ("f:Name", "Globex Corp"),
            ("o:Name", "Globex Corp"),
            ("f:Phone", "+1 555 0100"),
            ("o:Phone", ""),
            ("f:Website", ""),
            ("o:Website", "https://globex.example"),
            ("f:Industry", ""),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(
            changed_inputs(&pairs),
            [
                ("Phone".to_string(), "+1 555 0100".to_string()),
                ("Website".into(), "".into()),
            ]
        );
    }
}
