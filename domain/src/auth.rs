//! Signing in: password verification with throttling per account and per client address, the
//! same answer for unknown emails and wrong passwords, and an audit event either way.

use std::time::Duration;

use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use secrecy::SecretString;
use serde_json::json;
use time::OffsetDateTime;

use crate::access::Actor;
use crate::accounts;
use crate::audit::{self, AuditAction, AuditEvent};
use crate::entities::user;
use crate::error::{DomainError, DomainResult};
use crate::names::Email;
use crate::password::{Passwords, Verified};
use crate::step_up::StepUp;
use crate::throttle::{Limit, Throttle};

/// How long a failure counts against its account and client address.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Clone)]
pub struct SignIn {
    pub passwords: Passwords,
    per_account: Throttle,
    per_client: Throttle,
}

impl SignIn {
    /// 5 failures per account and 20 per client address in 15 minutes (SECURITY-BAR item 37).
    pub fn new(passwords: Passwords) -> Self {
        let window = THROTTLE_WINDOW;
        Self {
            passwords,
            per_account: Throttle::new(
                "account",
                Limit {
                    max_failures: 5,
                    window,
                },
            ),
            per_client: Throttle::new(
                "client",
                Limit {
                    max_failures: 20,
                    window,
                },
            ),
        }
    }

    /// Checks `password` for the account `email`; counts a failure against both throttles.
    pub async fn verify(
        &self,
        db: &DatabaseConnection,
        email: &str,
        password: &SecretString,
        client_ip: Option<&str>,
    ) -> DomainResult<user::Model> {
        self.check(
            db,
            email,
            password,
            client_ip,
            (AuditAction::LoginSuccess, AuditAction::LoginFail),
        )
        .await
    }

    /// Step-up: the signed-in person re-enters their password. Failures count against the same
    /// throttles as sign-in and are audited as step-up failures. The record it returns names
    /// the person and this sign-in.
    pub async fn step_up(
        &self,
        db: &DatabaseConnection,
        actor: &Actor,
        password: &SecretString,
        client_ip: Option<&str>,
    ) -> DomainResult<StepUp> {
        self.check(
            db,
            &actor.user.email,
            password,
            client_ip,
            (AuditAction::StepUp, AuditAction::StepUpFail),
        )
        .await?;
        Ok(StepUp::new(
            actor,
            OffsetDateTime::now_utc().unix_timestamp(),
        ))
    }

    async fn check(
        &self,
        db: &DatabaseConnection,
        email: &str,
        password: &SecretString,
        client_ip: Option<&str>,
        (success, failure): (AuditAction, AuditAction),
    ) -> DomainResult<user::Model> {
        let now = OffsetDateTime::now_utc();
        let account_key = email.trim().to_lowercase();
        let client_key = client_ip.unwrap_or("unknown").to_string();
        let blocked = self
            .per_account
            .blocked_for(db, &account_key, now)
            .await?
            .max(self.per_client.blocked_for(db, &client_key, now).await?);
        if let Some(wait) = blocked {
            audit::record(
                db,
                AuditEvent::new(AuditAction::LoginThrottled)
                    .details(json!({ "email": account_key }))
                    .ip(client_ip.map(str::to_string)),
            )
            .await?;
            return Err(DomainError::Throttled {
                retry_after_secs: wait.as_secs().max(1),
            });
        }
        let user = match Email::parse(email) {
            Ok(email) => match accounts::find_user(db, &email).await {
                Ok(user) => Some(user),
                Err(DomainError::NotFound(_)) => None,
                Err(other) => return Err(other),
            },
            Err(_) => None,
        };
        let verified = self
            .passwords
            .verify(user.as_ref().map(|u| u.password_hash.clone()), password)
            .await?;
        match (user, verified) {
            (Some(user), Some(verified)) if !user.disabled => {
                self.per_account.clear(db, &account_key).await?;
                let user = match verified {
                    Verified::Current => user,
                    Verified::Rehashed(hash) => {
                        let mut active: user::ActiveModel = user.into();
                        active.password_hash = Set(hash);
                        active.update(db).await?
                    }
                };
                audit::record(
                    db,
                    AuditEvent::new(success)
                        .actor(Some(user.id))
                        .ip(client_ip.map(str::to_string)),
                )
                .await?;
                Ok(user)
            }
            (user, _) => {
                self.per_account
                    .record_failure(db, &account_key, now)
                    .await?;
                self.per_client.record_failure(db, &client_key, now).await?;
                audit::record(
                    db,
                    AuditEvent::new(failure)
                        .actor(user.map(|u| u.id))
                        .details(json!({ "email": account_key }))
                        .ip(client_ip.map(str::to_string)),
                )
                .await?;
                Err(DomainError::InvalidCredentials)
            }
        }
    }
}
