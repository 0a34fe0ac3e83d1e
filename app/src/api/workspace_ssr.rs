//! The server side of the workspace pages: one wrapper that finds the actor, runs the domain
//! operation and turns its failure into the card or a problem sentence (with the page's HTTP
//! status), and the mapping of domain results to what the pages show.

use std::future::Future;

use domain::DomainError;
use domain::access::Actor;
use domain::workspace::{
    FieldView, LimitNote, ObjectDetail, ObjectInfo, QueryPage, RecordView, SearchResults,
};

use super::connections::server::card_view;
use super::context::server::org_context;
use super::ssr::*;
use super::workspace::*;
use crate::error::AppError;

/// Runs `op` for the signed-in person in `org` and wraps its outcome for the page.
pub async fn page<T, F, Fut>(org: &str, op: F) -> Result<WorkspaceView<T>, AppError>
where
    F: FnOnce(Services, Actor) -> Fut,
    Fut: Future<Output = Result<T, DomainError>>,
{
    framed(org, Some(op)).await
}

/// The page with only its form: nothing was asked, so Salesforce is not called.
pub async fn idle<T>(org: &str) -> Result<WorkspaceView<T>, AppError> {
    type Nothing<T> = fn(Services, Actor) -> std::future::Ready<Result<T, DomainError>>;
    framed::<T, Nothing<T>, _>(org, None).await
}

/// The organization context and usage gauge around `op`'s outcome (`Idle` without one).
async fn framed<T, F, Fut>(org: &str, op: Option<F>) -> Result<WorkspaceView<T>, AppError>
where
    F: FnOnce(Services, Actor) -> Fut,
    Fut: Future<Output = Result<T, DomainError>>,
{
    let result = async {
        let (me, actor) = actor(org).await?;
        let context = org_context(&me.services, &actor).await?;
        let outcome = match op {
            None => Outcome::Idle,
            Some(op) => match op(me.services.clone(), actor.clone()).await {
                Ok(value) => Outcome::Ready(value),
                Err(err) => settle(&me, &actor, err).await?,
            },
        };
        Ok(WorkspaceView {
            context,
            usage: usage(&me, &actor).await?,
            waiting: me.services.changes.waiting_count(&actor).await?,
            outcome,
        })
    }
    .await;
    fail(result)
}

async fn usage(me: &SignedIn, actor: &Actor) -> Result<Option<UsageView>, AppError> {
    Ok(me
        .services
        .connections
        .api_usage(actor)
        .await?
        .map(|u| UsageView {
            used: u.used,
            allowed: u.allowed,
            percent: u.percent(),
        }))
}

/// Not connected or needing a reconnect: the card. A Salesforce refusal or bad input: a
/// sentence. Anything else (the database down, no access to the organization): the error page.
async fn settle<T>(me: &SignedIn, actor: &Actor, err: DomainError) -> Result<Outcome<T>, AppError> {
    let outcome = match err {
        DomainError::NotConnected | DomainError::NeedsReconnect(_) => {
            let effective = me.services.settings.effective_for(actor).await?;
            let (card, origins) = card_view(me.services.connections.card(actor, &effective).await?);
            allow_form_action(&origins);
            set_status(&AppError::Conflict(String::new()));
            return Ok(Outcome::Connect(Box::new(card)));
        }
        DomainError::UnknownObject {
            name,
            close_matches,
        } => {
            set_status(&AppError::NotFound);
            Outcome::Problem(Problem {
                message: unknown_object(&name, &close_matches),
                close_matches,
            })
        }
        DomainError::Validation { message, .. } => {
            set_status(&AppError::BadRequest(String::new()));
            Outcome::Problem(Problem {
                message,
                close_matches: Vec::new(),
            })
        }
        DomainError::Fields(problems) => {
            set_status(&AppError::BadRequest(String::new()));
            Outcome::Problem(Problem {
                message: problems
                    .iter()
                    .map(|p| format!("{}: {}.", p.field, p.reason))
                    .collect::<Vec<_>>()
                    .join(" "),
                close_matches: Vec::new(),
            })
        }
        DomainError::Salesforce(_) | DomainError::Conflict(_) => {
            let shown = AppError::from(err);
            set_status(&shown);
            Outcome::Problem(Problem {
                message: shown.to_string(),
                close_matches: Vec::new(),
            })
        }
        other => return Err(other.into()),
    };
    Ok(outcome)
}

fn record_href(org: &str, object: &str, id: &str) -> String {
    format!("/o/{org}/salesforce/records/{object}/{id}")
}

pub fn object_row(o: ObjectInfo) -> ObjectRow {
    ObjectRow {
        custom: o.kind != domain::workspace::ObjectKind::Standard,
        kind: o.kind.label().into(),
        name: o.name,
        label: o.label,
        searchable: o.searchable,
        queryable: o.queryable,
        createable: o.createable,
        updateable: o.updateable,
        deletable: o.deletable,
    }
}

fn type_text(f: &FieldView) -> String {
    match (f.precision, f.scale, f.length) {
        (Some(p), Some(s), _) => format!("{}({p}, {s})", f.field_type),
        (Some(p), None, _) => format!("{}({p})", f.field_type),
        (None, _, Some(n)) if f.field_type != "reference" && f.field_type != "id" => {
            format!("{}({n})", f.field_type)
        }
        _ => f.field_type.clone(),
    }
}

fn field_row(f: FieldView) -> FieldRow {
    let traits = [
        ("name", f.name_field),
        ("unique", f.unique),
        ("external id", f.external_id),
        ("formula", f.calculated),
        ("master-detail", f.master_detail),
        ("restricted", f.restricted_picklist),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(t, _)| t.to_owned())
    .collect();
    FieldRow {
        type_text: type_text(&f),
        required: f.required_on_create,
        createable: f.createable,
        updateable: f.updateable,
        traits,
        picklist: f
            .picklist
            .into_iter()
            .map(|p| PicklistRow {
                value: p.value,
                label: p.label,
                active: p.active,
                default: p.default,
            })
            .collect(),
        name: f.name,
        label: f.label,
        default_value: f.default_value,
        controller: f.controller,
        reference_to: f.reference_to,
        relationship: f.relationship_name,
    }
}

pub fn object_view(d: ObjectDetail) -> ObjectView {
    ObjectView {
        kind: d.kind.label().into(),
        name: d.name,
        label: d.label,
        key_prefix: d.key_prefix,
        actions: d.actions,
        fields: d.fields.into_iter().map(field_row).collect(),
        children: d
            .children
            .into_iter()
            .map(|c| ChildRow {
                object: c.object,
                field: c.field,
                relationship: c.relationship_name,
            })
            .collect(),
        prepare: Vec::new(),
        record_types: d
            .record_types
            .into_iter()
            .map(|r| RecordTypeRow {
                name: r.name,
                developer_name: r.developer_name,
                available: r.available,
                default: r.default,
            })
            .collect(),
    }
}

pub fn search_view(r: SearchResults) -> SearchView {
    SearchView {
        objects: r.objects,
        hits: r
            .hits
            .into_iter()
            .map(|h| HitRow {
                object: h.object,
                name: h.name,
                id: h.id,
                fields: h.fields,
            })
            .collect(),
    }
}

pub fn query_view(org: &str, q: QueryPage) -> QueryView {
    let notice = q.limit_note.map(|note| match note {
        LimitNote::Added { limit } => {
            format!("The query had no LIMIT, so Sofie added LIMIT {limit}.")
        }
        LimitNote::Clamped { requested, limit } => format!(
            "LIMIT clamped to {limit}: the query asked for {requested} rows, more than Sofie reads in one query."
        ),
    });
    QueryView {
        notice,
        total: q.total_size,
        offset: q.offset,
        rows: q
            .rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|c| CellView {
                        href: c.record.map(|(object, id)| record_href(org, &object, &id)),
                        text: c.text,
                    })
                    .collect()
            })
            .collect(),
        columns: q.columns,
        next: q.next,
        soql: q.soql,
    }
}

pub fn record_view(org: &str, r: RecordView) -> RecordPageView {
    RecordPageView {
        groups: r
            .groups
            .into_iter()
            .map(|g| GroupView {
                title: g.title,
                fields: g
                    .fields
                    .into_iter()
                    .map(|f| ValueRow {
                        href: f.link.map(|(object, id)| record_href(org, &object, &id)),
                        label: f.label,
                        name: f.name,
                        value: f.value,
                    })
                    .collect(),
            })
            .collect(),
        object: r.object,
        object_label: r.object_label,
        id: r.id,
        name: r.name,
        salesforce_url: r.salesforce_url,
        prepare: Vec::new(),
    }
}
