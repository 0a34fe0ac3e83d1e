//! Conditional requests on records (API-NOTES §4.9): `If-Modified-Since` / `If-Unmodified-Since`
//! on every object, strong `ETag` with `If-None-Match` / `If-Match` only on Account.

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::clock::parse_datetime;
use crate::rest::errors::ApiError;
use crate::store::Record;

/// Salesforce supports entity tags for Account records only.
fn etag(record: &Record) -> Option<String> {
    (record.object == "Account").then(|| {
        let stamp = record.get("SystemModstamp").as_str().unwrap_or_default();
        let digest = Sha256::digest(format!("{}{stamp}", record.id).as_bytes());
        format!("\"{}\"", &URL_SAFE_NO_PAD.encode(digest)[..22])
    })
}

fn modified_secs(record: &Record) -> i64 {
    record
        .get("LastModifiedDate")
        .as_str()
        .and_then(parse_datetime)
        .unwrap_or(0)
        / 1000
}

/// An HTTP date header in whole seconds (the precision HTTP dates have).
fn date_secs(headers: &HeaderMap, name: header::HeaderName) -> Option<i64> {
    let value = headers.get(name)?.to_str().ok()?;
    let at = httpdate::parse_http_date(value).ok()?;
    at.duration_since(SystemTime::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs() as i64)
}

fn tag_matches(headers: &HeaderMap, name: header::HeaderName, tag: &str) -> Option<bool> {
    let value = headers.get(name)?.to_str().ok()?;
    Some(value.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
}

/// A GET the client's copy already answers: 304.
pub fn not_modified(headers: &HeaderMap, record: &Record) -> bool {
    if let Some(tag) = etag(record)
        && let Some(matched) = tag_matches(headers, header::IF_NONE_MATCH, &tag)
    {
        return matched;
    }
    date_secs(headers, header::IF_MODIFIED_SINCE)
        .is_some_and(|since| modified_secs(record) <= since)
}

/// A PATCH whose precondition no longer holds: 412.
pub fn precondition_failed(headers: &HeaderMap, record: &Record) -> Option<ApiError> {
    let tag = etag(record);
    let changed = date_secs(headers, header::IF_UNMODIFIED_SINCE)
        .is_some_and(|since| modified_secs(record) > since)
        || tag
            .as_deref()
            .and_then(|t| tag_matches(headers, header::IF_MATCH, t))
            == Some(false)
        || tag
            .as_deref()
            .and_then(|t| tag_matches(headers, header::IF_NONE_MATCH, t))
            == Some(true);
    changed.then(|| {
        let message =
            "The requested resource has been modified since the precondition's date or entity tag";
        ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "PRECONDITION_FAILED",
            message,
        )
    })
}

/// `Last-Modified` on every record read, `ETag` on Account reads.
pub fn add_validators(response: &mut Response, record: &Record) {
    let modified =
        SystemTime::UNIX_EPOCH + Duration::from_secs(modified_secs(record).max(0) as u64);
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(modified)) {
        response.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    if let Some(v) = etag(record).and_then(|t| HeaderValue::from_str(&t).ok()) {
        response.headers_mut().insert(header::ETAG, v);
    }
}
