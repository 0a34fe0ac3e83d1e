use oauth2::PkceCodeChallenge;
use secrecy::ExposeSecret;

use super::*;
use crate::{HttpConfig, LoginHost};

fn client() -> OAuthClient {
    OAuthClient::new(
        HttpClient::new(HttpConfig::default()).unwrap(),
        OAuthConfig {
            login_host: LoginHost::production(),
            client_id: "3MVG9client".into(),
            client_secret: Some(SecretString::from("shh")),
            redirect_uri: Url::parse("https://app.example/api/integrations/callback/salesforce")
                .unwrap(),
        },
    )
    .unwrap()
}

#[test]
fn rfc7636_appendix_b_vector() {
    let verifier = PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
    let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
    assert_eq!(
        challenge.as_str(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    assert_eq!(challenge.method().as_str(), "S256");
}

#[test]
fn authorize_url_has_everything_salesforce_needs() {
    let c = client();
    let req = c.authorize_url(&AuthorizeOptions {
        scopes: vec![
            "api".into(),
            "refresh_token".into(),
            "offline_access".into(),
        ],
        prompt: vec![Prompt::Login, Prompt::Consent],
        login_hint: Some("user@example.com".into()),
        nonce: None,
    });
    assert_eq!(
        req.url.origin().ascii_serialization(),
        "https://login.salesforce.com"
    );
    assert_eq!(req.url.path(), "/services/oauth2/authorize");
    let q: std::collections::HashMap<String, String> = req.url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "3MVG9client");
    assert_eq!(
        q["redirect_uri"],
        "https://app.example/api/integrations/callback/salesforce"
    );
    assert_eq!(q["scope"], "api refresh_token offline_access");
    assert_eq!(q["prompt"], "login consent");
    assert_eq!(q["login_hint"], "user@example.com");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["state"], req.state.expose_secret());
    // 32 random bytes → 43 base64url characters, for both state and verifier.
    assert_eq!(req.state.expose_secret().len(), 43);
    let verifier = req.pkce_verifier.expose_secret();
    assert_eq!(verifier.len(), 43);
    assert!(
        verifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
    );
    let expected =
        PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_owned()));
    assert_eq!(q["code_challenge"], expected.as_str());
    // The verifier never travels in the URL.
    assert!(!req.url.as_str().contains(verifier));
    // Fresh values every time.
    let again = c.authorize_url(&AuthorizeOptions::default());
    assert_ne!(again.state.expose_secret(), req.state.expose_secret());
    assert!(
        !again
            .url
            .query_pairs()
            .any(|(k, _)| k == "scope" || k == "prompt")
    );
}

#[test]
fn debug_never_prints_secrets() {
    let c = client();
    let req = c.authorize_url(&AuthorizeOptions::default());
    let printed = format!("{c:?} {req:?}");
    assert!(!printed.contains("shh"));
    assert!(!printed.contains(req.pkce_verifier.expose_secret()));
}

#[test]
fn ten_thousand_verifiers_are_well_formed_and_distinct() {
    let c = client();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..10_000 {
        let req = c.authorize_url(&AuthorizeOptions::default());
        let v = req.pkce_verifier.expose_secret().to_owned();
        assert!((43..=128).contains(&v.len()), "{}", v.len());
        assert!(
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        );
        assert!(seen.insert(v), "a verifier repeated");
    }
}
