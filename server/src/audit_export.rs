//! `GET /o/{org}/settings/audit.csv?person=…&action=…&from=…&to=…`: the audit events the admin
//! may read that match the filter, newest first (at most `audit_trail::EXPORT_MAX`), as CSV with
//! formula-safe cells.

use app::api::ssr::SignedIn;
use app::error::AppError;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use domain::audit_trail::{self, TrailFilter};
use serde::Deserialize;

use crate::csv_export::{attachment, neutralise};

#[derive(Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    person: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

fn to_csv(rows: Vec<audit_trail::TrailRow>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["at", "person", "action", "about", "details", "address"])?;
    let format = time::format_description::well_known::Rfc3339;
    for r in rows {
        writer.write_record(
            [
                r.at.format(&format).unwrap_or_default(),
                r.person.unwrap_or_default(),
                r.action,
                r.target.unwrap_or_default(),
                r.details,
                r.ip.unwrap_or_default(),
            ]
            .iter()
            .map(|c| neutralise(c)),
        )?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

pub async fn audit_csv(
    signed_in: Result<SignedIn, AppError>,
    Path(org): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let result = async {
        let me = signed_in?;
        let actor = me.actor(&org).await?;
        let filter = TrailFilter::parse(&q.person, &q.action, &q.from, &q.to)?;
        let rows = audit_trail::export(&me.services.db, &actor, &filter).await?;
        to_csv(rows).map_err(app::api::ssr::internal)
    }
    .await;
    match result {
        Ok(body) => attachment(body, "sofie-audit.csv"),
        Err(err) => err.into_response(),
    }
}
