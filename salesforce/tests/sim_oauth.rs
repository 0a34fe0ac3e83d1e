//! OAuth against the simulator: the whole web-server flow with PKCE, identity, UserInfo,
//! refresh (kept and rotated refresh tokens), revoke, and every way a grant is refused.

mod common;

use common::sim::*;
use salesforce::oauth::Callback;
use salesforce::{Error, GrantCause};
use secrecy::{ExposeSecret, SecretString};

#[tokio::test]
async fn code_flow_identity_userinfo_refresh_revoke() {
    let sim = Sim::start().await;
    let oauth = sim.oauth();
    let tokens = sim.sign_in(&oauth, ADMIN, SCOPES).await;

    assert!(tokens.refresh_token_issued && tokens.refresh_token.is_some());
    assert_eq!(tokens.scopes, SCOPES);
    assert_eq!(
        tokens.instance_url.as_str().trim_end_matches('/'),
        sim.sim.urls.instances[0]
    );
    assert!(tokens.verify_signature(&SecretString::from(CLIENT_SECRET)));
    assert!(!tokens.verify_signature(&SecretString::from("wrong")));
    let (org, user) = tokens.org_and_user().unwrap();
    assert_eq!(
        (org.as_str(), user.as_str()),
        ("00D5i0000000001EAA", "0055i0000000001AAA")
    );
    assert!(
        tokens
            .identity_url
            .as_str()
            .starts_with(&sim.sim.urls.login_production)
    );

    let identity = oauth
        .identity(&tokens.identity_url, &tokens.access_token)
        .await
        .unwrap();
    assert_eq!(identity.user_id, "0055i0000000001AAA");
    assert_eq!(identity.username.as_deref(), Some(ADMIN.0));
    let info = oauth.userinfo(&tokens.access_token).await.unwrap();
    assert_eq!(info.sub, identity.id);

    // Refresh without rotation: no refresh token in the answer, the old one is kept.
    let old_refresh = tokens.refresh_token.clone().unwrap();
    let refreshed = oauth.refresh(&old_refresh).await.unwrap();
    assert!(!refreshed.refresh_token_issued);
    assert_eq!(
        refreshed.refresh_token.as_ref().unwrap().expose_secret(),
        old_refresh.expose_secret()
    );
    assert_ne!(
        refreshed.access_token.expose_secret(),
        tokens.access_token.expose_secret()
    );
    sim.rest(&refreshed).limits().await.unwrap();

    // Revoking the refresh token kills it and its access tokens.
    oauth.revoke(&old_refresh).await.unwrap();
    let e = oauth.refresh(&old_refresh).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::RefreshRevoked {
                cause: GrantCause::ExpiredOrRevoked,
                ..
            }
        ),
        "{e}"
    );
    let e = sim.rest(&refreshed).limits().await.unwrap_err();
    assert!(matches!(e, Error::SessionExpired(_)), "{e}");
    let e = oauth
        .identity(&tokens.identity_url, &refreshed.access_token)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::SessionExpired(_)), "{e}");
    let e = oauth
        .revoke(&SecretString::from("nonsense"))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::OAuth { error, .. } if error == "invalid_token"),
        "{e}"
    );
}

#[tokio::test]
async fn rotation_replaces_the_refresh_token_and_replay_is_refused() {
    let sim = Sim::start().await;
    let oauth = sim.oauth_for(
        &sim.sim.urls.login_production.clone(),
        "sofie-rotating-client",
        Some("sofie-rotating-client-secret"),
    );
    let first = sim.sign_in(&oauth, ADMIN, SCOPES).await;
    let r1 = first.refresh_token.clone().unwrap();
    let second = oauth.refresh(&r1).await.unwrap();
    assert!(second.refresh_token_issued);
    let r2 = second.refresh_token.clone().unwrap();
    assert_ne!(r1.expose_secret(), r2.expose_secret());
    let e = oauth.refresh(&r1).await.unwrap_err();
    assert!(matches!(e, Error::RefreshRevoked { .. }), "{e}");
}

#[tokio::test]
async fn refused_exchanges_are_typed() {
    let sim = Sim::start().await;
    let oauth = sim.oauth();

    // A code is single-use.
    let (code, verifier) = sim.authorize(&oauth, ADMIN, SCOPES).await;
    oauth.exchange_code(&code, &verifier).await.unwrap();
    let e = oauth.exchange_code(&code, &verifier).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::RefreshRevoked {
                cause: GrantCause::InvalidAuthorizationCode,
                ..
            }
        ),
        "{e}"
    );

    // The verifier must hash to the challenge.
    let (code, _) = sim.authorize(&oauth, ADMIN, SCOPES).await;
    let e = oauth
        .exchange_code(&code, &SecretString::from("x".repeat(43)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &e,
            Error::RefreshRevoked {
                cause: GrantCause::InvalidCodeVerifier,
                ..
            }
        ),
        "{e}"
    );

    // The secret is checked.
    let wrong = sim.oauth_for(
        &sim.sim.urls.login_production.clone(),
        CLIENT_ID,
        Some("nope"),
    );
    let (code, verifier) = sim.authorize(&wrong, ADMIN, SCOPES).await;
    let e = wrong.exchange_code(&code, &verifier).await.unwrap_err();
    assert!(
        matches!(&e, Error::OAuth { error, .. } if error == "invalid_client"),
        "{e}"
    );
    assert!(!e.to_string().contains("nope"));

    // A code is bound to the host that issued it.
    let (code, verifier) = sim.authorize(&oauth, ADMIN, SCOPES).await;
    let other_host = sim.oauth_for(
        &sim.sim.urls.login_mydomain.clone(),
        CLIENT_ID,
        Some(CLIENT_SECRET),
    );
    let e = other_host
        .exchange_code(&code, &verifier)
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::RefreshRevoked {
                cause: GrantCause::AuthenticationFailure,
                ..
            }
        ),
        "{e}"
    );

    // No refresh_token scope, no refresh token.
    let t = sim.sign_in(&oauth, ADMIN, &["api"]).await;
    assert!(t.refresh_token.is_none() && !t.has_scope("refresh_token"));
}

#[tokio::test]
async fn public_client_and_my_domain_and_sandbox_hosts() {
    let sim = Sim::start().await;
    let public = sim.oauth_for(
        &sim.sim.urls.login_mydomain.clone(),
        "sofie-public-client",
        None,
    );
    let t = sim.sign_in(&public, ADMIN, SCOPES).await;
    assert!(t.refresh_token.is_some());
    public
        .refresh(t.refresh_token.as_ref().unwrap())
        .await
        .unwrap();

    let sandbox = sim.oauth_for(
        &sim.sim.urls.login_sandbox.clone(),
        CLIENT_ID,
        Some(CLIENT_SECRET),
    );
    let t = sim
        .sign_in(&sandbox, ("admin@acme.sim.uat", "admin-pass-1"), SCOPES)
        .await;
    assert_eq!(
        t.instance_url.as_str().trim_end_matches('/'),
        sim.sim.urls.instances[1]
    );
}

#[tokio::test]
async fn user_token_revocation_and_transient_token_endpoint() {
    let sim = Sim::start().await;
    let oauth = sim.oauth();
    let t = sim.sign_in(&oauth, STANDARD, SCOPES).await;
    let refresh = t.refresh_token.clone().unwrap();

    // A 503 from the token endpoint is transient: the refresh token is still good afterwards.
    sim.fault(
        1,
        503,
        serde_json::json!({"error": "server_error", "error_description": "down"}),
        "/services/oauth2/token",
    )
    .await;
    let e = oauth.refresh(&refresh).await.unwrap_err();
    assert!(e.is_retryable(), "{e}");
    oauth.refresh(&refresh).await.unwrap();

    sim.control(
        reqwest::Method::POST,
        &format!("users/{}/revoke-tokens", STANDARD.0),
        serde_json::json!({}),
    )
    .await;
    let e = oauth.refresh(&refresh).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::RefreshRevoked {
                cause: GrantCause::ExpiredOrRevoked,
                ..
            }
        ),
        "{e}"
    );
}

#[tokio::test]
async fn denied_and_blocked_come_back_as_typed_refusals() {
    let sim = Sim::start().await;
    let (callback, _) = sim.authorize_as(&sim.oauth(), ADMIN, SCOPES, false).await;
    assert!(
        matches!(&callback, Callback::Refused { error, .. } if error == "access_denied"),
        "{callback:?}"
    );

    let blocked = sim.oauth_for(
        &sim.sim.urls.login_production.clone(),
        "blocked-client",
        Some("blocked-client-secret"),
    );
    let (callback, _) = sim.authorize_as(&blocked, ADMIN, SCOPES, true).await;
    assert!(
        matches!(&callback, Callback::Refused { error, description, .. }
            if error == "OAUTH_APP_BLOCKED" && description.as_deref() == Some("this app is blocked by admin")),
        "{callback:?}"
    );
}
