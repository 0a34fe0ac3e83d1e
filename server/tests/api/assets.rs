//! `/pkg`: the site's files under their content-hashed names, compressed at build time, cached
//! for good; the pages link those names.

use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, VARY};

use crate::helpers::*;

async fn fetch_css(app: &TestApp, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .get(app.url(&format!("/pkg/{TEST_ASSET_NAME}.css")));
    if let Some(encodings) = accept_encoding {
        request = request.header(ACCEPT_ENCODING, encodings);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn pages_link_the_content_hashed_files() {
    let app = spawn_app().await;
    let login = app.get("/login").await.text().await.unwrap();
    for file in [
        format!("/pkg/{TEST_ASSET_NAME}.css"),
        format!("/pkg/{TEST_ASSET_NAME}.js"),
        format!("/pkg/{TEST_ASSET_NAME}_bg.wasm"),
    ] {
        assert!(login.contains(&file), "the login page links {file}");
    }
    assert!(
        !login.contains("/pkg/sofie.css"),
        "no unhashed name is linked"
    );
}

#[tokio::test]
async fn files_are_sent_as_compressed_at_build_time_and_cached_for_good() {
    let app = spawn_app().await;

    let br = fetch_css(&app, Some("gzip, deflate, br")).await;
    assert_eq!(br.status(), 200);
    assert_eq!(br.headers()[CONTENT_ENCODING], "br");
    assert_eq!(br.headers()["content-type"], "text/css");
    assert_eq!(
        br.headers()[CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(
        br.headers()[VARY]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding"),
        "caches keep one copy per encoding"
    );
    assert_eq!(br.text().await.unwrap(), "brotli bytes");

    let gz = fetch_css(&app, Some("gzip")).await;
    assert_eq!(gz.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(gz.text().await.unwrap(), "gzip bytes");

    let plain = fetch_css(&app, None).await;
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(plain.text().await.unwrap(), "body { color: black }");

    let missing = app.get("/pkg/sofie.ffffffffffffffff.css").await;
    assert_eq!(missing.status(), 404);
    assert!(
        missing
            .headers()
            .get(CACHE_CONTROL)
            .map(|v| v.to_str().unwrap())
            != Some("public, max-age=31536000, immutable"),
        "a missing file is not cached for good"
    );
}
