//! The site's static files under `/pkg`: the hydrating wasm, its JS glue and the stylesheet.
//!
//! `scripts/build-site.sh` names every file by a hash of its content and writes brotli and gzip
//! copies beside it, so the server sends bytes as they were compressed at build time and a browser
//! may keep a file for good: a new build is a new name.

use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The name the files carry before their extension when the site was built without hashing
/// (the tests' stand-in site).
const PLAIN_NAME: &str = "sofie";
/// Written by the build: the content-hashed name of this build's files.
const NAME_FILE: &str = "asset-name";
const PKG_DIR: &str = "pkg";

#[derive(Clone, Debug)]
pub struct Assets {
    name: Arc<str>,
    hashed: bool,
}

impl Assets {
    /// Reads the build's asset name from `site_root`. A site without one (built by hand) is
    /// served under the plain name and revalidated on every use.
    pub fn load(site_root: &str) -> Self {
        match std::fs::read_to_string(Path::new(site_root).join(NAME_FILE)) {
            Ok(name) if is_asset_name(name.trim()) => Self {
                name: name.trim().into(),
                hashed: true,
            },
            _ => {
                tracing::warn!(
                    site_root,
                    "no content-hashed site build found: assets are served without long caching \
                     (build them with scripts/build-site.sh)"
                );
                Self {
                    name: PLAIN_NAME.into(),
                    hashed: false,
                }
            }
        }
    }

    /// The name Leptos uses for the JS glue and the wasm (`{name}.js`, `{name}_bg.wasm`).
    pub fn output_name(&self) -> &str {
        &self.name
    }

    pub fn pkg_dir(&self) -> &'static str {
        PKG_DIR
    }

    pub fn stylesheet_href(&self) -> String {
        stylesheet_href(&self.name)
    }

    /// `/pkg/*`: precompressed copies when the browser accepts them; a file under a hashed name
    /// never changes, so it is cached for a year without asking again (a 404 is not cached).
    pub fn router(&self, site_root: &str) -> Router {
        let cache = HeaderValue::from_static(if self.hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        });
        let files = ServeDir::new(Path::new(site_root).join(PKG_DIR))
            .precompressed_br()
            .precompressed_gzip();
        Router::new()
            .nest_service(&format!("/{PKG_DIR}"), files)
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                move |response: &Response| response.status().is_success().then(|| cache.clone()),
            ))
            // The same URL answers brotli, gzip or plain bytes: shared caches must keep them apart.
            .layer(SetResponseHeaderLayer::appending(
                header::VARY,
                HeaderValue::from_static("accept-encoding"),
            ))
    }
}

pub fn stylesheet_href(output_name: &str) -> String {
    format!("/{PKG_DIR}/{output_name}.css")
}

/// A name the build wrote: `sofie.` and hex digits, nothing that could leave `pkg/`.
fn is_asset_name(name: &str) -> bool {
    name.strip_prefix("sofie.")
        .is_some_and(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_built_name_is_taken() {
        assert!(is_asset_name("sofie.0123abcdef456789"));
        assert!(!is_asset_name("sofie."));
        assert!(!is_asset_name("sofie../../etc"));
        assert!(!is_asset_name("other.0123"));
    }
}
