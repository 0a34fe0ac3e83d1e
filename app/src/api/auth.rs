//! Signing in and out.

use leptos::prelude::*;

use crate::error::AppError;

/// Signs in with email and password; on success the session starts afresh (new id, no data of
/// the session before) and the browser is sent home with a 303.
#[server(endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use super::ssr::*;
    use secrecy::SecretString;

    let result = async {
        let services = services()?;
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
        session().await?.begin(user.id).await?;
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

    let result = async {
        match signed_in().await {
            Ok(me) => {
                audit::record(
                    &me.services.db,
                    AuditEvent::new(AuditAction::Logout)
                        .actor(Some(me.user.id))
                        .ip(client_ip().await),
                )
                .await?;
                me.session.end().await?;
            }
            Err(AppError::Unauthorized) => session().await?.end().await?,
            Err(other) => return Err(other),
        }
        see_other("/login");
        Ok(())
    }
    .await;
    fail(result)
}

/// Ends every session of the signed-in user, on every device.
#[server(endpoint = "auth/logout-everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use super::ssr::*;
    use domain::audit::{self, AuditAction, AuditEvent};

    let result = async {
        let me = signed_in().await?;
        let ended = domain::sessions::delete_user_sessions(&me.services.db, me.user.id).await?;
        me.session.end().await?;
        audit::record(
            &me.services.db,
            AuditEvent::new(AuditAction::LogoutEverywhere)
                .actor(Some(me.user.id))
                .details(serde_json::json!({ "sessions_ended": ended }))
                .ip(client_ip().await),
        )
        .await?;
        see_other("/login");
        Ok(())
    }
    .await;
    fail(result)
}
