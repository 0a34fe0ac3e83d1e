//! Personal access tokens in the web UI, as a browser without JavaScript uses it: made on My
//! Integrations and shown once, listed by hint, revoked by their owner; listed with their owners
//! and revoked by an org admin on the organization's Salesforce page.

use sea_orm::EntityTrait;

use crate::helpers::*;
use crate::tools::listing_response;

const MINE: &str = "/o/acme/integrations";
const ADMIN_PAGE: &str = "/o/acme/settings/integrations/salesforce";

/// The distinct whole tokens in `html` (the hint and the usage example end in "…"); a shown
/// token is in its field and in the page's hydration data.
fn secrets_in(html: &str) -> Vec<String> {
    html.match_indices("sofie_pat_")
        .map(|(at, _)| {
            html[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                .collect::<String>()
        })
        .filter(|t| t.len() == 53)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

async fn tools_status(w: &World, token: &str) -> u16 {
    listing_response(w, token).await.status().as_u16()
}

async fn make(w: &World, client: &reqwest::Client, form: &[(&str, &str)]) -> reqwest::Response {
    let mut fields = vec![("org", "acme")];
    fields.extend_from_slice(form);
    w.app
        .post_form(client, "/api/tokens/create", MINE, &fields)
        .await
}

#[tokio::test]
async fn a_person_makes_a_token_sees_it_once_and_revokes_it() {
    let w = world().await;
    let mia = signed_in(&w, "mia@acme.example").await;

    let made = make(
        &w,
        &mia,
        &[
            ("name", "Sofie chat"),
            ("scopes[]", "salesforce:read"),
            ("scopes[]", "salesforce:propose"),
            ("days", "30"),
        ],
    )
    .await;
    assert_eq!(made.status(), 303);
    assert_eq!(location(&made), "/o/acme/integrations#tokens");

    let html = page(&w, &mia, MINE).await;
    let shown = secrets_in(&html);
    assert_eq!(shown.len(), 1, "the new token is on the page once");
    let secret = &shown[0];
    assert!(html.contains("Sofie shows it only this once"));
    assert!(html.contains("salesforce:propose salesforce:read"));
    assert_eq!(tools_status(&w, secret).await, 200, "the token works");

    // Shown once: the next view lists it by its first characters only, and no session row ever
    // held it in the clear.
    let again = page(&w, &mia, MINE).await;
    assert!(secrets_in(&again).is_empty());
    assert!(again.contains(&format!("{}…", &secret[..14])));
    for row in domain::entities::session::Entity::find()
        .all(&w.app.db)
        .await
        .unwrap()
    {
        assert!(!row.data.contains(secret.as_str()));
    }

    let id = domain::tokens::list_mine(
        &w.app.db,
        &crate::changes::actor(&w, "mia@acme.example").await,
    )
    .await
    .unwrap()[0]
        .id
        .to_string();
    // Another member may not revoke it.
    let gus = signed_in(&w, "lead@acme.example").await;
    let refused = w
        .app
        .post_form(
            &gus,
            "/api/tokens/revoke",
            MINE,
            &[("org", "acme"), ("token_id", &id)],
        )
        .await;
    assert_eq!(refused.status(), 302, "back to the form with the error");
    assert!(location(&refused).contains("__err"));
    assert_eq!(tools_status(&w, secret).await, 200);

    let revoked = w
        .app
        .post_form(
            &mia,
            "/api/tokens/revoke",
            MINE,
            &[("org", "acme"), ("token_id", &id)],
        )
        .await;
    assert_eq!(location(&revoked), "/o/acme/integrations#tokens");
    assert_eq!(tools_status(&w, secret).await, 401);
    let after = page(&w, &mia, MINE).await;
    assert!(after.contains("Revoked the token “Sofie chat”"));
    assert!(after.contains(">revoked<"));
}

#[tokio::test]
async fn a_refused_token_form_says_why_and_keeps_what_was_typed() {
    let w = world().await;
    let mia = signed_in(&w, "mia@acme.example").await;
    let refused = make(
        &w,
        &mia,
        &[
            ("name", "Nightly report"),
            ("scopes[]", "salesforce:propose"),
            ("days", "365"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 302, "back to the form with the error");
    let back = location(&refused);
    assert!(back.contains("__err"), "{back}");
    let path = back.trim_start_matches(&w.app.address);
    let html = page(&w, &mia, path).await;
    assert!(
        html.contains("A token lives 1 to 90 days."),
        "the reason is shown"
    );
    assert!(
        html.contains(r#"value="Nightly report""#),
        "the name is kept"
    );
    assert!(html.contains(r#"value="365""#), "the days are kept");
    assert!(secrets_in(&html).is_empty());
    assert!(
        domain::tokens::list_mine(
            &w.app.db,
            &crate::changes::actor(&w, "mia@acme.example").await
        )
        .await
        .unwrap()
        .is_empty(),
        "nothing was made"
    );
}

#[tokio::test]
async fn an_org_admin_sees_and_revokes_the_organizations_tokens() {
    let w = world().await;
    let mia = signed_in(&w, "mia@acme.example").await;
    make(
        &w,
        &mia,
        &[
            ("name", "Workflow"),
            ("scopes[]", "salesforce:read"),
            ("days", "7"),
        ],
    )
    .await;
    let secret = secrets_in(&page(&w, &mia, MINE).await).remove(0);
    let (_, globex_token) = {
        let boss = crate::changes::actor_in(&w, "boss@globex.example", "globex").await;
        let new =
            domain::tokens::NewToken::parse("Globex bot", &["salesforce:read".into()], 7).unwrap();
        domain::tokens::create(&w.app.db, &boss, new).await.unwrap()
    };

    let admin = signed_in(&w, "admin@acme.example").await;
    let html = page(&w, &admin, ADMIN_PAGE).await;
    assert!(html.contains("mia@acme.example") && html.contains("Workflow"));
    assert!(
        !html.contains("Globex bot"),
        "only this organization's tokens"
    );
    assert!(secrets_in(&html).is_empty());

    // A member cannot open the list.
    assert_eq!(w.app.get_with(&mia, ADMIN_PAGE).await.status(), 403);

    let id = domain::tokens::list_org(
        &w.app.db,
        &crate::changes::actor(&w, "admin@acme.example").await,
    )
    .await
    .unwrap()[0]
        .token
        .id
        .to_string();
    let revoked = w
        .app
        .post_form(
            &admin,
            "/api/tokens/revoke",
            ADMIN_PAGE,
            &[("org", "acme"), ("token_id", &id), ("from", "admin")],
        )
        .await;
    assert_eq!(location(&revoked), format!("{ADMIN_PAGE}#tokens"));
    assert_eq!(tools_status(&w, &secret).await, 401);
    use secrecy::ExposeSecret;
    assert_eq!(tools_status(&w, globex_token.expose_secret()).await, 200);
}
