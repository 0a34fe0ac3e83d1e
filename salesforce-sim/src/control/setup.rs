//! What an administrator changes in Setup while a client runs: an org's sharing defaults, a
//! record's owner, a profile's object permissions and field-level security, and object metadata.
//! Each change moves the `Last-Modified` of the describes it affects.

use std::time::{Duration, SystemTime};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Map, json};

use super::problem;
use crate::access::FieldAccess;
use crate::clock::now_ms;
use crate::config::Profile;
use crate::schema::{ObjectAccess, ObjectDef};
use crate::server::Ctx;
use crate::sharing::Owd;
use crate::state::State as SimState;

pub fn routes() -> Router<Ctx> {
    Router::new()
        .route(
            "/__sim/orgs/{org_id}/sharing",
            post(set_sharing).get(get_sharing),
        )
        .route("/__sim/records/{id}/owner", post(set_owner))
        .route("/__sim/profiles/{profile}/field-access", post(field_access))
        .route(
            "/__sim/profiles/{profile}/object-access",
            post(object_access),
        )
        .route("/__sim/objects/{name}/touch", post(touch))
}

fn http_date(secs: i64) -> String {
    httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(secs.max(0) as u64))
}

fn object<'a>(ctx: &'a Ctx, name: &str) -> Result<&'a ObjectDef, Response> {
    ctx.sim
        .schema
        .object(name)
        .ok_or_else(|| problem(StatusCode::BAD_REQUEST, format!("unknown object {name}")))
}

/// The profile in a path and the object a change names.
fn profile_object<'a>(
    ctx: &'a Ctx,
    profile_name: &str,
    object_name: &str,
) -> Result<(Profile, &'a ObjectDef), Response> {
    Ok((profile(profile_name)?, object(ctx, object_name)?))
}

/// A profile's permissions on `objects` changed: describes are rendered again and dated now.
fn profile_changed(state: &mut SimState, profile: Profile, objects: &[&'static str]) -> String {
    state.describe_cache.clear();
    http_date(state.revisions.touch_profile(profile, objects))
}

/// `System Administrator`, `standard-user`, `StandardUser`: case, spaces and dashes do not matter.
fn profile(name: &str) -> Result<Profile, Response> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase()
    };
    Profile::ALL
        .into_iter()
        .find(|p| {
            let value = serde_json::to_value(p).unwrap_or_default();
            value.as_str().is_some_and(|n| squash(n) == squash(name))
        })
        .ok_or_else(|| problem(StatusCode::NOT_FOUND, format!("unknown profile {name}")))
}

async fn get_sharing(State(ctx): State<Ctx>, Path(org_id): Path<String>) -> Response {
    let state = ctx.sim.lock();
    match state.org(&org_id) {
        Some(org) => Json(org.sharing.all()).into_response(),
        None => problem(StatusCode::NOT_FOUND, format!("unknown org {org_id}")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SharingChange {
    object: String,
    default: Owd,
}

async fn set_sharing(
    State(ctx): State<Ctx>,
    Path(org_id): Path<String>,
    Json(change): Json<SharingChange>,
) -> Response {
    let object = match object(&ctx, &change.object) {
        Ok(o) => o,
        Err(response) => return response,
    };
    if object.field("OwnerId").is_none() {
        let message = format!("{} has no owners; everyone can read it", object.name);
        return problem(StatusCode::BAD_REQUEST, message);
    }
    let mut state = ctx.sim.lock();
    let Some(org) = state.org_mut(&org_id) else {
        return problem(StatusCode::NOT_FOUND, format!("unknown org {org_id}"));
    };
    org.sharing.set(object.name, change.default);
    let at = state.revisions.touch_org(&org_id, object.name);
    Json(
        json!({ "object": object.name, "default": change.default, "last_modified": http_date(at) }),
    )
    .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnerChange {
    owner_id: String,
}

/// Transfers a record as an administrator would: the record is modified by the org's first
/// administrator (or the new owner when the org has none).
async fn set_owner(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    Json(change): Json<OwnerChange>,
) -> Response {
    let mut state = ctx.sim.lock();
    let Some(org_index) = state.orgs.iter().position(|o| o.store.get(&id).is_some()) else {
        return problem(StatusCode::NOT_FOUND, format!("no record {id} in any org"));
    };
    let org_id = state.orgs[org_index].config.id.clone();
    let Some(owner) = state
        .users
        .iter()
        .find(|u| u.org_id == org_id && u.user_id == change.owner_id)
        .map(|u| u.user_id.clone())
    else {
        let message = format!("{} is not a user of org {org_id}", change.owner_id);
        return problem(StatusCode::BAD_REQUEST, message);
    };
    let admin = state
        .users
        .iter()
        .find(|u| u.org_id == org_id && u.profile.all_data())
        .map(|u| u.user_id.clone())
        .unwrap_or_else(|| owner.clone());
    let store = &mut state.orgs[org_index].store;
    let Some(record) = store.get(&id) else {
        return problem(StatusCode::NOT_FOUND, format!("no record {id}"));
    };
    if !record.fields.contains_key("OwnerId") {
        let message = format!("{} records have no owner", record.object);
        return problem(StatusCode::BAD_REQUEST, message);
    }
    let record_id = record.id.clone();
    let mut changes = Map::new();
    changes.insert("OwnerId".into(), json!(owner));
    store.update(&record_id, changes, now_ms(), &admin);
    Json(json!({ "id": record_id, "owner_id": owner })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldChange {
    object: String,
    field: String,
    visible: Option<bool>,
    editable: Option<bool>,
}

async fn field_access(
    State(ctx): State<Ctx>,
    Path(name): Path<String>,
    Json(change): Json<FieldChange>,
) -> Response {
    let (profile, object) = match profile_object(&ctx, &name, &change.object) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(field) = object.field(&change.field) else {
        let message = format!("unknown field {}.{}", object.name, change.field);
        return problem(StatusCode::BAD_REQUEST, message);
    };
    if !field.permissionable() {
        let message = format!(
            "{}.{} is required or set by the system: its field-level security cannot change",
            object.name, field.name
        );
        return problem(StatusCode::BAD_REQUEST, message);
    }
    let mut state = ctx.sim.lock();
    let current = state.permissions.field(profile, object.name, field.name);
    let visible = change.visible.unwrap_or(current.visible);
    let editable = match change.editable {
        Some(true) if !visible => {
            let message = "a hidden field cannot be editable".to_string();
            return problem(StatusCode::BAD_REQUEST, message);
        }
        Some(editable) => editable,
        // Setup shows a field that becomes visible without "Read-Only".
        None if visible && !current.visible => true,
        None => current.editable && visible,
    };
    let access = FieldAccess { visible, editable };
    state
        .permissions
        .set_field(profile, object.name, field.name, access);
    let last_modified = profile_changed(&mut state, profile, &[object.name]);
    Json(json!({
        "profile": profile, "object": object.name, "field": field.name,
        "visible": visible, "editable": editable, "last_modified": last_modified,
    }))
    .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectChange {
    object: String,
    read: Option<bool>,
    create: Option<bool>,
    edit: Option<bool>,
    delete: Option<bool>,
}

/// The flags as Setup links them: Create, Edit and Delete need Read, Delete needs Edit. What the
/// request names wins; the rest follows; a request that contradicts itself is refused.
fn linked(current: ObjectAccess, change: &ObjectChange) -> Option<ObjectAccess> {
    let mut access = ObjectAccess {
        read: change.read.unwrap_or(current.read),
        create: change.create.unwrap_or(current.create),
        edit: change.edit.unwrap_or(current.edit),
        delete: change.delete.unwrap_or(current.delete),
    };
    if change.read == Some(false) {
        if [change.create, change.edit, change.delete].contains(&Some(true)) {
            return None;
        }
        return Some(ObjectAccess::NONE);
    }
    if change.edit == Some(false) {
        if change.delete == Some(true) {
            return None;
        }
        access.delete = false;
    }
    access.edit |= access.delete;
    access.read |= access.create || access.edit;
    Some(access)
}

async fn object_access(
    State(ctx): State<Ctx>,
    Path(name): Path<String>,
    Json(change): Json<ObjectChange>,
) -> Response {
    let (profile, object) = match profile_object(&ctx, &name, &change.object) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let mut state = ctx.sim.lock();
    let current = state.permissions.object(profile, object.name);
    let Some(access) = linked(current, &change) else {
        let message = "create, edit and delete need read; delete needs edit".to_string();
        return problem(StatusCode::BAD_REQUEST, message);
    };
    state.permissions.set_object(profile, object.name, access);
    // Parents list the object among their child relationships, so their describes change too.
    let mut affected = vec![object.name];
    for parent in &ctx.sim.schema.objects {
        if ctx
            .sim
            .schema
            .children_of(parent.name)
            .iter()
            .any(|c| c.child == object.name)
            && !affected.contains(&parent.name)
        {
            affected.push(parent.name);
        }
    }
    let last_modified = profile_changed(&mut state, profile, &affected);
    Json(json!({
        "profile": profile, "object": object.name, "read": access.read, "create": access.create,
        "edit": access.edit, "delete": access.delete, "last_modified": last_modified,
    }))
    .into_response()
}

async fn touch(State(ctx): State<Ctx>, Path(name): Path<String>) -> Response {
    let object = match object(&ctx, &name) {
        Ok(o) => o,
        Err(response) => return response,
    };
    let at = ctx.sim.lock().revisions.touch_object(object.name);
    Json(json!({ "object": object.name, "last_modified": http_date(at) })).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(read: Option<bool>, edit: Option<bool>, delete: Option<bool>) -> ObjectChange {
        ObjectChange {
            object: "Account".into(),
            read,
            create: None,
            edit,
            delete,
        }
    }

    #[test]
    fn object_flags_follow_each_other_as_in_setup() {
        let all = ObjectAccess::ALL;
        assert_eq!(
            linked(all, &change(Some(false), None, None)),
            Some(ObjectAccess::NONE)
        );
        assert_eq!(linked(all, &change(Some(false), Some(true), None)), None);
        let no_edit = linked(all, &change(None, Some(false), None)).unwrap();
        assert!(no_edit.read && no_edit.create && !no_edit.edit && !no_edit.delete);
        let delete = linked(ObjectAccess::NONE, &change(None, None, Some(true))).unwrap();
        assert!(delete.read && delete.edit && delete.delete && !delete.create);
        assert_eq!(linked(all, &change(None, Some(false), Some(true))), None);
    }
}
