//! The session, typed: its keys are private to this module, so nothing else reads or writes
//! them by name. Signing in starts from an empty session with a fresh id and a fresh sign-in
//! nonce; the nonce binds step-up records and parked changes to this one sign-in.

use domain::sessions::USER_ID_KEY;
use domain::step_up::{Authn, Parked, SignInNonce, StepUp};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::error::AppError;

const SIGNED_IN_AT_KEY: &str = "signed_in_at";
const SIGN_IN_NONCE_KEY: &str = "sign_in_nonce";
/// Unix time the idle expiry was last pushed back.
const SEEN_AT_KEY: &str = "seen_at";
const STEP_UP_KEY: &str = "step_up";
const PARKED_KEY: &str = "parked_change";
const DRAFT_KEY: &str = "draft";
const NOTICE_KEY: &str = "notice";
const NOTICE_ENTRY_KEY: &str = "notice_entry";
const FRESH_TOKEN_KEY: &str = "fresh_access_token";
const TOKEN_DRAFT_KEY: &str = "access_token_draft";

/// Sessions end 12 hours after sign-in however active they are (NIST SP 800-63B, AAL2).
pub const ABSOLUTE_LIFETIME_SECS: i64 = 12 * 60 * 60;
/// The store only saves changed sessions; touching `seen_at` at most this often keeps the
/// 30-minute idle expiry sliding without a write on every request.
const TOUCH_EVERY_SECS: i64 = 60;

/// A token just made, waiting for the page that shows it once; `secret` is sealed by the vault.
#[derive(Serialize, serde::Deserialize)]
pub struct SealedFreshToken {
    pub name: String,
    pub secret: String,
    pub expires: String,
}

#[derive(Clone)]
pub struct TypedSession(pub Session);

/// A session store failure is almost always the database being down.
fn session_error(err: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %err, "session store failed");
    AppError::Unavailable
}

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

impl TypedSession {
    async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, AppError> {
        self.0.get(key).await.map_err(session_error)
    }

    async fn set<T: Serialize>(&self, key: &str, value: T) -> Result<(), AppError> {
        self.0.insert(key, value).await.map_err(session_error)
    }

    /// Removes `key` only when present: `remove` marks a session changed even when the key is
    /// absent, which would cost a write on every page view.
    async fn take<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, AppError> {
        let value: Option<T> = self.get(key).await?;
        if value.is_some() {
            self.0
                .remove::<serde_json::Value>(key)
                .await
                .map_err(session_error)?;
        }
        Ok(value)
    }

    /// Starts a sign-in of `user_id`: nothing of the previous session survives, not its data
    /// (another person's step-up or parked change) and not its id.
    pub async fn begin(&self, user_id: i64) -> Result<(), AppError> {
        self.0.clear().await;
        self.0.cycle_id().await.map_err(session_error)?;
        self.set(USER_ID_KEY, user_id).await?;
        self.set(SIGNED_IN_AT_KEY, now()).await?;
        self.set(SIGN_IN_NONCE_KEY, SignInNonce::generate()).await
    }

    /// Ends the session here and in the store.
    pub async fn end(&self) -> Result<(), AppError> {
        self.0.flush().await.map_err(session_error)
    }

    /// Who is signed in and what the session proves, or `None`. Ends sessions past their
    /// absolute lifetime, and slides the idle expiry.
    pub async fn signed_in(&self) -> Result<Option<(i64, Authn)>, AppError> {
        let user_id: Option<i64> = self.get(USER_ID_KEY).await?;
        let signed_in_at: Option<i64> = self.get(SIGNED_IN_AT_KEY).await?;
        let nonce: Option<SignInNonce> = self.get(SIGN_IN_NONCE_KEY).await?;
        let (Some(user_id), Some(signed_in_at), Some(nonce)) = (user_id, signed_in_at, nonce)
        else {
            return Ok(None);
        };
        let now = now();
        if now - signed_in_at > ABSOLUTE_LIFETIME_SECS {
            self.end().await?;
            return Ok(None);
        }
        let seen_at: Option<i64> = self.get(SEEN_AT_KEY).await?;
        if seen_at.is_none_or(|seen| now - seen >= TOUCH_EVERY_SECS) {
            self.set(SEEN_AT_KEY, now).await?;
        }
        let step_up = self.get(STEP_UP_KEY).await?;
        Ok(Some((user_id, Authn { nonce, step_up })))
    }

    /// Records a successful step-up; the id rotates, as at every authentication.
    pub async fn record_step_up(&self, step_up: StepUp) -> Result<(), AppError> {
        self.0.cycle_id().await.map_err(session_error)?;
        self.set(STEP_UP_KEY, step_up).await
    }

    pub async fn park(&self, parked: Parked) -> Result<(), AppError> {
        self.set(PARKED_KEY, parked).await
    }

    pub async fn parked(&self) -> Result<Option<Parked>, AppError> {
        self.get(PARKED_KEY).await
    }

    pub async fn take_parked(&self) -> Result<Option<Parked>, AppError> {
        self.take(PARKED_KEY).await
    }

    /// A one-time message for the next page (e.g. "saved, version 3").
    pub async fn set_notice(&self, notice: &str) -> Result<(), AppError> {
        self.set_notice_with_entry(notice, None).await
    }

    pub async fn take_notice(&self) -> Result<Option<String>, AppError> {
        self.take(NOTICE_KEY).await
    }

    /// A notice about a Salesforce error, with the troubleshooting entry that explains it.
    pub async fn set_notice_with_entry(
        &self,
        notice: &str,
        entry: Option<&str>,
    ) -> Result<(), AppError> {
        self.set(NOTICE_KEY, notice).await?;
        match entry {
            Some(entry) => self.set(NOTICE_ENTRY_KEY, entry).await,
            None => self.take::<String>(NOTICE_ENTRY_KEY).await.map(drop),
        }
    }

    /// The troubleshooting entry of the notice, taken with it.
    pub async fn take_notice_entry(&self) -> Result<Option<String>, AppError> {
        self.take(NOTICE_ENTRY_KEY).await
    }

    /// A refused form submission, kept for the form to show again with every input.
    pub async fn keep_draft<T: Serialize>(&self, draft: &T) -> Result<(), AppError> {
        self.set(DRAFT_KEY, draft).await
    }

    pub async fn take_draft<T: DeserializeOwned>(&self) -> Result<Option<T>, AppError> {
        self.take(DRAFT_KEY).await
    }

    pub async fn keep_fresh_token(&self, token: &SealedFreshToken) -> Result<(), AppError> {
        self.set(FRESH_TOKEN_KEY, token).await
    }

    pub async fn take_fresh_token(&self) -> Result<Option<SealedFreshToken>, AppError> {
        self.take(FRESH_TOKEN_KEY).await
    }

    /// A refused token form, shown again with what was typed.
    pub async fn keep_token_draft<T: Serialize>(&self, draft: &T) -> Result<(), AppError> {
        self.set(TOKEN_DRAFT_KEY, draft).await
    }

    pub async fn take_token_draft<T: DeserializeOwned>(&self) -> Result<Option<T>, AppError> {
        self.take(TOKEN_DRAFT_KEY).await
    }
}
