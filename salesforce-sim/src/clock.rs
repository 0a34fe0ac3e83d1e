//! Time and random values, in the forms Salesforce puts on the wire.

use rand::Rng;
use rand::distributions::Alphanumeric;
use time::OffsetDateTime;
use time::macros::format_description;

/// Milliseconds since the epoch (Salesforce's `issued_at` unit).
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// `2024-11-07T07:00:00.000+0000`: Salesforce's datetime format (no colon in the offset).
pub fn sf_datetime(ms: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let fmt = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+0000"
    );
    at.format(&fmt).unwrap_or_default()
}

/// `YYYY-MM-DD` of a millisecond timestamp.
pub fn sf_date(ms: i64) -> String {
    sf_datetime(ms)[..10].to_string()
}

/// Milliseconds of a Salesforce datetime (`…00.000+0000`) or an RFC 3339 one (`…00Z`, `…+01:00`).
pub fn parse_datetime(text: &str) -> Option<i64> {
    let salesforce = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3][offset_hour][offset_minute]"
    );
    OffsetDateTime::parse(text, &salesforce)
        .or_else(|_| OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339))
        .ok()
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// A random alphanumeric string (token secrets, codes, cursor ids).
pub fn random_token(len: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}
