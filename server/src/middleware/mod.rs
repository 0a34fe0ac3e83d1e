//! The HTTP edge's cross-cutting layers.

pub mod origin_check;
pub mod request_log;
pub mod security_headers;
