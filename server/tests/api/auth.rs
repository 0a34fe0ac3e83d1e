//! Signing in and out, session cookies, throttling and session lifetime.

use domain::entities::{audit_event, session};
use domain::sessions::delete_user_sessions;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::*;

#[tokio::test]
async fn sign_in_rotates_the_session_and_redirects_home_with_303() {
    let world = world().await;
    let app = &world.app;
    let first = cookie_value(&app.login("admin@acme.example").await).unwrap();

    let response = app.login("admin@acme.example").await;
    assert_eq!(location(&response), "/");
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(set_cookie.starts_with("sofie="), "{set_cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    let second = cookie_value(&response).unwrap();
    assert_ne!(first, second, "the id changes at sign-in");

    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let old = replay
        .get(app.url("/"))
        .header("cookie", format!("sofie={first}"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(location(&old), "/login", "the id from before is worthless");

    let home = app.get("/").await;
    assert_eq!(home.status(), 200);
    let body = home.text().await.unwrap();
    assert!(
        body.contains("Your organizations") && body.contains("Acme") && body.contains("Ada Admin"),
        "{body}"
    );
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let world = world().await;
    let app = &world.app;
    let wrong = app
        .login_with(&browser(), "admin@acme.example", "not the password")
        .await;
    let unknown = app
        .login_with(&browser(), "nobody@acme.example", "not the password")
        .await;
    let malformed = app
        .login_with(&browser(), "not an email", "not the password")
        .await;
    for response in [&wrong, &unknown, &malformed] {
        assert_eq!(
            response.status(),
            302,
            "a no-JS form error goes back to the form"
        );
        assert!(
            location(response).contains("/login?"),
            "{}",
            location(response)
        );
    }
    let strip = |r: &reqwest::Response| {
        location(r)
            .split("__err=")
            .nth(1)
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(strip(&wrong), strip(&unknown));
    assert_eq!(strip(&wrong), strip(&malformed));

    // Following the redirect shows the message on the sign-in page.
    let page = browser().get(location(&wrong)).send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains("the email or password is not correct"),
        "{page}"
    );
    assert!(
        !page.contains("not the password"),
        "the password is never echoed"
    );
}

#[tokio::test]
async fn a_javascript_client_gets_a_typed_error() {
    let world = world().await;
    let response = world
        .app
        .client
        .post(world.app.url("/api/auth/login"))
        .header("origin", &world.app.address)
        .form(&[("email", "admin@acme.example"), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert_eq!(body, r#""InvalidCredentials""#);
}

#[tokio::test]
async fn repeated_failures_throttle_that_account_only() {
    let world = world().await;
    let app = &world.app;
    for _ in 0..5 {
        let r = app
            .login_with(&browser(), "mia@acme.example", "wrong password!")
            .await;
        assert!(location(&r).contains("__err"));
    }
    let blocked = app
        .login_with(&browser(), "mia@acme.example", PASSWORD)
        .await;
    assert_eq!(blocked.status(), 302, "even the right password waits");
    assert!(location(&blocked).contains("__err"));
    let json = app
        .client
        .post(app.url("/api/auth/login"))
        .form(&[("email", "mia@acme.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), 429);
    assert!(json.headers().get("retry-after").is_some());
    // Another account from the same address is not affected.
    app.login("admin@acme.example").await;
    let locks = audit_event::Entity::find()
        .filter(audit_event::Column::Action.eq("authn_login_lock"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(locks.len(), 2);
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let world = world().await;
    let app = &world.app;
    let response = app.login("mia@acme.example").await;
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let out = app
        .post_form(&app.client, "/api/auth/logout", "/", &[])
        .await;
    assert_eq!(out.status(), 303);
    assert_eq!(location(&out), "/login");
    assert_eq!(session::Entity::find().all(&app.db).await.unwrap().len(), 0);
    // Replaying the old cookie does not sign anybody in.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let home = replay
        .get(app.url("/"))
        .header("cookie", cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 302);
    assert_eq!(location(&home), "/login");
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_that_person() {
    let world = world().await;
    let app = &world.app;
    let laptop = browser();
    let phone = browser();
    let colleague = browser();
    for (client, email) in [
        (&laptop, "mia@acme.example"),
        (&phone, "mia@acme.example"),
        (&colleague, "admin@acme.example"),
    ] {
        assert_eq!(app.login_with(client, email, PASSWORD).await.status(), 303);
    }
    let out = app
        .post_form(&laptop, "/api/auth/logout-everywhere", "/", &[])
        .await;
    assert_eq!(out.status(), 303);
    assert_eq!(
        app.get_with(&phone, "/").await.status(),
        302,
        "the other device is signed out"
    );
    assert_eq!(
        app.get_with(&colleague, "/").await.status(),
        200,
        "other people stay signed in"
    );
}

#[tokio::test]
async fn sessions_end_after_idle_and_absolute_limits() {
    let world = world().await;
    let app = &world.app;
    app.login("mia@acme.example").await;
    assert_eq!(app.get("/").await.status(), 200);

    // Absolute: signed in 13 hours ago, active all along.
    let row = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    edit_session(&app.db, row, |data| {
        data["signed_in_at"] = serde_json::json!(unix_now() - 13 * 3600);
        None
    })
    .await;
    assert_eq!(
        app.get("/").await.status(),
        302,
        "past 12 hours the session is over"
    );

    // Idle: the row's expiry passed.
    app.login("mia@acme.example").await;
    let row = session::Entity::find()
        .filter(session::Column::UserId.is_not_null())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut active: session::ActiveModel = row.into();
    active.expires_at =
        sea_orm::ActiveValue::Set(time::OffsetDateTime::now_utc() - time::Duration::seconds(1));
    sea_orm::ActiveModelTrait::update(active, &app.db)
        .await
        .unwrap();
    assert_eq!(
        app.get("/").await.status(),
        302,
        "an idle-expired session is over"
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_loses_its_sessions() {
    let world = world().await;
    let app = &world.app;
    app.login("mia@acme.example").await;
    let mia = domain::accounts::find_user(
        &app.db,
        &domain::names::Email::parse("mia@acme.example").unwrap(),
    )
    .await
    .unwrap();
    let mut active: domain::entities::user::ActiveModel = mia.clone().into();
    active.disabled = sea_orm::ActiveValue::Set(true);
    sea_orm::ActiveModelTrait::update(active, &app.db)
        .await
        .unwrap();
    assert_eq!(
        app.get("/").await.status(),
        302,
        "a disabled account's session no longer works"
    );
    let again = app
        .login_with(&browser(), "mia@acme.example", PASSWORD)
        .await;
    assert!(location(&again).contains("__err"));
    assert_eq!(
        delete_user_sessions(&app.db, mia.id).await.unwrap(),
        0,
        "the session was already ended"
    );
}

#[tokio::test]
async fn sign_in_and_out_are_audited_without_secrets() {
    let world = world().await;
    let app = &world.app;
    app.login_with(&browser(), "mia@acme.example", "sentinel-wrong-password")
        .await;
    app.login("mia@acme.example").await;
    app.post_form(&app.client, "/api/auth/logout", "/", &[])
        .await;
    let events = audit_event::Entity::find().all(&app.db).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    for wanted in ["authn_login_fail", "authn_login_success", "session_logout"] {
        assert!(actions.contains(&wanted), "{actions:?}");
    }
    for event in &events {
        assert!(
            !event.details.contains("sentinel-wrong-password") && !event.details.contains(PASSWORD),
            "{event:?}"
        );
    }
}

fn cookie_value(response: &reqwest::Response) -> Option<String> {
    let header = response.headers().get("set-cookie")?.to_str().ok()?;
    Some(
        header
            .split(';')
            .next()?
            .trim_start_matches("sofie=")
            .to_string(),
    )
}

#[tokio::test]
async fn activity_pushes_the_idle_expiry_back() {
    let world = world().await;
    let app = &world.app;
    app.login("mia@acme.example").await;
    app.get("/").await;
    let row = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    let now = time::OffsetDateTime::now_utc();
    edit_session(&app.db, row.clone(), |data| {
        data["seen_at"] = serde_json::json!(now.unix_timestamp() - 120);
        Some(now + time::Duration::seconds(60))
    })
    .await;

    assert_eq!(app.get("/").await.status(), 200);
    let row = session::Entity::find_by_id(row.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.expires_at > now + time::Duration::minutes(29),
        "expiry slid to {}",
        row.expires_at
    );
}
