//! Server functions, grouped by area. Each one is thin: read the session, parse the input, call
//! `domain`, map the error.

pub mod auth;
pub mod context;
#[cfg(feature = "ssr")]
pub mod ssr;
