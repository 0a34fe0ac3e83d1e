//! The HTTP edge's cross-cutting layers.

pub mod client_ip;
pub mod limits;
pub mod origin_check;
pub mod request_log;
pub mod security_headers;
pub mod stall_retry;
