//! `GET /o/{org}/salesforce/query.csv?q=…[&page=…]`: the rows of one SOQL console page as CSV.
//! A cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
//! first) is prefixed with `'`, so opening the file runs nothing.

use app::api::ssr::SignedIn;
use app::error::AppError;
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct CsvQuery {
    q: String,
    page: Option<String>,
}

/// What a spreadsheet would read as the start of a formula.
pub(crate) fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn to_csv(
    columns: &[String],
    rows: &[Vec<domain::workspace::Cell>],
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(columns.iter().map(|c| neutralise(c)))?;
    for row in rows {
        writer.write_record(row.iter().map(|c| neutralise(&c.text)))?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

pub async fn query_csv(
    signed_in: Result<SignedIn, AppError>,
    Path(org): Path<String>,
    Query(query): Query<CsvQuery>,
) -> Response {
    let result = async {
        let me = signed_in?;
        let actor = me.actor(&org).await?;
        let page = me
            .services
            .workspace
            .query(&actor, &query.q, query.page.as_deref())
            .await?;
        to_csv(&page.columns, &page.rows).map_err(app::api::ssr::internal)
    }
    .await;
    match result {
        Ok(body) => attachment(body, "salesforce-query.csv"),
        Err(err) => err.into_response(),
    }
}

/// `body` as a CSV download named `filename`, never cached.
pub(crate) fn attachment(body: Vec<u8>, filename: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::workspace::Cell;

    #[test]
    fn formulas_are_neutralised_and_quotes_kept() {
        let cell = |t: &str| Cell {
            text: t.into(),
            record: None,
        };
        let rows = vec![vec![
            cell("=HYPERLINK(\"http://x\")"),
            cell("+1"),
            cell("-2"),
            cell("@SUM(A1)"),
            cell("Acme, \"Inc\""),
        ]];
        let columns: Vec<String> = ["A", "B", "C", "D", "E"].map(String::from).to_vec();
        let text = String::from_utf8(to_csv(&columns, &rows).unwrap()).unwrap();
        assert_eq!(
            text,
            "A,B,C,D,E\n\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),\"Acme, \"\"Inc\"\"\"\n"
        );
    }
}
