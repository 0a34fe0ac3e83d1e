//! Signing in and out.

use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with email and password; on success the session id is rotated and the browser is sent
/// home with a 303.
#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use super::ssr::*;
    use domain::session_store::USER_ID_KEY;
    use secrecy::SecretString;

    let result = async {
        let services = services()?;
        let session = session().await?;
        let ip = client_ip().await;
        let user = services
            .sign_in
            .verify(
                &services.db,
                &email,
                &SecretString::from(password),
                ip.as_deref(),
            )
            .await?;
        // A new id at sign-in: an id planted before sign-in is worthless after it.
        session.cycle_id().await.map_err(session_error)?;
        session
            .insert(USER_ID_KEY, user.id)
            .await
            .map_err(session_error)?;
        session
            .insert(
                SIGNED_IN_AT_KEY,
                time::OffsetDateTime::now_utc().unix_timestamp(),
            )
            .await
            .map_err(session_error)?;
        see_other("/");
        Ok(())
    }
    .await;
    fail(result)
}

/// Ends this session, here and in the store.
#[server(endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::ssr::*;
    use domain::audit::{self, AuditAction, AuditEvent};

    let services = services()?;
    let session = session().await?;
    if let Ok(user) = signed_in_user(&services, &session).await {
        audit::record(
            &services.db,
            AuditEvent::new(AuditAction::Logout)
                .actor(Some(user.id))
                .ip(client_ip().await),
        )
        .await?;
    }
    session.flush().await.map_err(session_error)?;
    see_other("/login");
    Ok(())
}

/// Ends every session of the signed-in user, on every device.
#[server(endpoint = "auth/logout-everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use super::ssr::*;
    use domain::audit::{self, AuditAction, AuditEvent};

    let services = services()?;
    let session = session().await?;
    let user = signed_in_user(&services, &session).await?;
    let ended = domain::session_store::delete_user_sessions(&services.db, user.id).await?;
    session.flush().await.map_err(session_error)?;
    audit::record(
        &services.db,
        AuditEvent::new(AuditAction::LogoutEverywhere)
            .actor(Some(user.id))
            .details(serde_json::json!({ "sessions_ended": ended }))
            .ip(client_ip().await),
    )
    .await?;
    see_other("/login");
    Ok(())
}
