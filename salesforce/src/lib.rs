//! The Salesforce protocol, with no database: login hosts, OAuth (authorize URL with PKCE,
//! code exchange, refresh, revoke, identity), a typed REST client, a read-only SOQL guard,
//! SOSL escaping, record ids, typed errors and the `Sforce-Limit-Info` header.
//!
//! Facts come from `shared/salesforce/API-NOTES.md`; every type here is proven against the real
//! payloads in `shared/salesforce/fixtures/` and against `salesforce-sim`.

pub mod error;
pub mod http;
mod ident;
pub mod limit_info;
pub mod login_host;
pub mod oauth;
pub mod record_id;
pub mod rest;
pub mod soql;
pub mod sosl;

pub use error::{ApiErrorEntry, Error, Fault, GrantCause};
pub use http::{Call, CallObserver, HttpClient, HttpConfig};
pub use limit_info::{LimitInfo, Usage};
pub use login_host::{HostError, HostFamily, HostPolicy, LoginHost, ParsedLoginHost, PastedKind};
pub use record_id::{RecordId, RecordIdError};
