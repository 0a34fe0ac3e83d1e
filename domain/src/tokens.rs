//! Personal access tokens: a person lets an assistant act for them through the tool API and MCP.
//!
//! A token is `sofie_pat_` and 256 random bits (base64url), so secret scanners can recognise a
//! leaked one. Only its SHA-256 is stored. It works only in its organization, only until it
//! expires (at most 90 days) or is revoked, and only while its owner is an active member:
//! removing the member or disabling the account revokes it.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::access::{self, Actor};
use crate::audit::{self, AuditAction, AuditEvent};
use crate::connections::hash;
use crate::entities::{access_token, organization};
use crate::error::{DomainError, DomainResult};
use crate::step_up::{Authn, SignInNonce};

/// What every token starts with.
pub const PREFIX: &str = "sofie_pat_";
/// The longest a token may live.
pub const MAX_DAYS: i64 = 90;

/// How many tool calls one token may make per window; the server's configuration sets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub calls: i64,
    pub per_secs: i64,
}

impl Default for Rate {
    fn default() -> Self {
        Self {
            calls: 120,
            per_secs: 60,
        }
    }
}

/// What a token allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Every read tool: objects, describe, search, query, records, API usage, proposals.
    Read,
    /// Preparing changes for the person to approve; never applying them.
    Propose,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "salesforce:read",
            Self::Propose => "salesforce:propose",
        }
    }

    pub fn parse(text: &str) -> DomainResult<Self> {
        match text.trim() {
            "salesforce:read" => Ok(Self::Read),
            "salesforce:propose" => Ok(Self::Propose),
            other => Err(DomainError::validation(
                "scopes",
                format!(
                    "Unknown scope {other:?}: choose salesforce:read, salesforce:propose or both."
                ),
            )),
        }
    }
}

/// A token's name as its owner gave it: 1 to 80 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub fn parse(text: &str) -> DomainResult<Self> {
        let name = text.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(DomainError::validation(
                "name",
                "Give the token a name of 1 to 80 characters, e.g. the assistant that will use it.",
            ));
        }
        Ok(Self(name.to_owned()))
    }
}

/// What a person asks for when making a token.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub name: TokenName,
    pub scopes: Vec<Scope>,
    pub days: i64,
}

impl NewToken {
    pub fn parse(name: &str, scopes: &[String], days: i64) -> DomainResult<Self> {
        let name = TokenName::parse(name)?;
        let mut parsed = scopes
            .iter()
            .map(|s| Scope::parse(s))
            .collect::<DomainResult<Vec<_>>>()?;
        parsed.sort_by_key(|s| s.as_str());
        parsed.dedup();
        if parsed.is_empty() {
            return Err(DomainError::validation(
                "scopes",
                "Choose at least one scope: salesforce:read, salesforce:propose.",
            ));
        }
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(DomainError::validation(
                "days",
                format!("A token lives 1 to {MAX_DAYS} days."),
            ));
        }
        Ok(Self {
            name,
            scopes: parsed,
            days,
        })
    }
}

/// A token as its owner and their org admins see it; never the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub hint: String,
    pub scopes: Vec<String>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// Whether a token still works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

impl TokenInfo {
    pub fn state(&self, now: OffsetDateTime) -> TokenState {
        if self.revoked_at.is_some() {
            TokenState::Revoked
        } else if self.expires_at <= now {
            TokenState::Expired
        } else {
            TokenState::Active
        }
    }
}

impl From<access_token::Model> for TokenInfo {
    fn from(m: access_token::Model) -> Self {
        Self {
            id: m.id,
            user_id: m.user_id,
            name: m.name,
            hint: m.hint,
            scopes: m.scopes.split(' ').map(str::to_owned).collect(),
            created_at: m.created_at,
            expires_at: m.expires_at,
            last_used_at: m.last_used_at,
            revoked_at: m.revoked_at,
        }
    }
}

/// The caller a token proves: the person, in the token's organization, and what it may do.
#[derive(Clone, Debug)]
pub struct TokenCaller {
    pub actor: Actor,
    pub token_id: i64,
    pub token_name: String,
    pub scopes: Vec<Scope>,
}

/// Makes a token for `actor`; the secret is in the answer and nowhere else.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewToken,
) -> DomainResult<(TokenInfo, SecretString)> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let now = OffsetDateTime::now_utc();
    let scopes = new
        .scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let row = access_token::ActiveModel {
        org_id: Set(actor.org.id),
        user_id: Set(actor.user.id),
        name: Set(new.name.0.clone()),
        hint: Set(token[..PREFIX.len() + 4].to_owned()),
        token_hash: Set(hash(&token)),
        scopes: Set(scopes.clone()),
        created_at: Set(now),
        expires_at: Set(now + Duration::days(new.days)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        AuditEvent::new(AuditAction::AccessTokenCreated)
            .org(actor.org.id)
            .actor(Some(actor.user.id))
            .target(format!("access_token:{}", row.id))
            .details(json!({ "name": row.name, "scopes": scopes, "days": new.days })),
    )
    .await?;
    Ok((row.into(), SecretString::from(token)))
}

/// The caller `presented` proves, or `None` for a token that is unknown, revoked, expired, or
/// whose owner is no longer an active member: the edge answers all of them with the same 401.
/// A token past its `rate` is `Throttled` until its window ends.
pub async fn authenticate(
    db: &DatabaseConnection,
    presented: &SecretString,
    rate: Rate,
) -> DomainResult<Option<TokenCaller>> {
    let presented = presented.expose_secret();
    if !presented.starts_with(PREFIX) {
        return Ok(None);
    }
    let now = OffsetDateTime::now_utc();
    // One statement finds a live token, counts this call in the current window (a new window
    // starts at 1) and notes the use, so every server process sees the same count.
    let window = now.unix_timestamp().div_euclid(rate.per_secs);
    let Some(row) = access_token::Entity::update_many()
        .col_expr(access_token::Column::LastUsedAt, Expr::value(now))
        .col_expr(
            access_token::Column::RateCalls,
            Expr::case(
                access_token::Column::RateWindow.eq(window),
                sea_orm::sea_query::ExprTrait::add(Expr::col(access_token::Column::RateCalls), 1),
            )
            .finally(1)
            .into(),
        )
        .col_expr(access_token::Column::RateWindow, Expr::value(window))
        .filter(access_token::Column::TokenHash.eq(hash(presented)))
        .filter(access_token::Column::RevokedAt.is_null())
        .filter(access_token::Column::ExpiresAt.gt(now))
        .exec_with_returning(db)
        .await?
        .pop()
    else {
        return Ok(None);
    };
    if row.rate_calls > rate.calls {
        let ends = (window + 1) * rate.per_secs;
        return Err(DomainError::Throttled {
            retry_after_secs: u64::try_from(ends - now.unix_timestamp())
                .unwrap_or(1)
                .max(1),
        });
    }
    let Some(user) = access::active_user(db, row.user_id).await? else {
        return Ok(None);
    };
    let Some(org) = organization::Entity::find_by_id(row.org_id).one(db).await? else {
        return Ok(None);
    };
    // A token never carries a step-up: its sign-in nonce is fresh for every request.
    let authn = Authn {
        nonce: SignInNonce::generate(),
        step_up: None,
    };
    let Some(actor) = access::actor_of(db, user, authn, org).await? else {
        return Ok(None);
    };
    let scopes = row
        .scopes
        .split(' ')
        .filter_map(|s| Scope::parse(s).ok())
        .collect();
    Ok(Some(TokenCaller {
        actor,
        token_id: row.id,
        token_name: row.name,
        scopes,
    }))
}

/// The actor's own tokens, newest first, revoked ones included.
pub async fn list_mine(db: &DatabaseConnection, actor: &Actor) -> DomainResult<Vec<TokenInfo>> {
    listed(
        db,
        access_token::Entity::find()
            .filter(access_token::Column::OrgId.eq(actor.org.id))
            .filter(access_token::Column::UserId.eq(actor.user.id)),
    )
    .await
}

/// A token of the organization, with whose it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgToken {
    pub token: TokenInfo,
    pub owner: String,
}

/// Every token of the actor's organization, with its owner's email; org admins only.
pub async fn list_org(db: &DatabaseConnection, actor: &Actor) -> DomainResult<Vec<OrgToken>> {
    access::require_org_admin(db, actor, "access_tokens").await?;
    let tokens = listed(
        db,
        access_token::Entity::find().filter(access_token::Column::OrgId.eq(actor.org.id)),
    )
    .await?;
    let owners = crate::accounts::emails_of(db, tokens.iter().map(|t| t.user_id)).await?;
    Ok(tokens
        .into_iter()
        .map(|token| OrgToken {
            owner: owners.get(&token.user_id).cloned().unwrap_or_default(),
            token,
        })
        .collect())
}

async fn listed(
    db: &DatabaseConnection,
    rows: sea_orm::Select<access_token::Entity>,
) -> DomainResult<Vec<TokenInfo>> {
    Ok(rows
        .order_by_desc(access_token::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Revokes token `id`: its owner or an admin of its organization may. Another organization's
/// token is not found.
pub async fn revoke(db: &DatabaseConnection, actor: &Actor, id: i64) -> DomainResult<TokenInfo> {
    let row = access_token::Entity::find_by_id(id)
        .filter(access_token::Column::OrgId.eq(actor.org.id))
        .one(db)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("access token {id}")))?;
    if row.user_id != actor.user.id {
        access::require_org_admin(db, actor, &format!("access_token:{id}")).await?;
    }
    if row.revoked_at.is_some() {
        return Ok(row.into());
    }
    let mut active: access_token::ActiveModel = row.into();
    active.revoked_at = Set(Some(OffsetDateTime::now_utc()));
    let row = active.update(db).await?;
    audit::record(
        db,
        AuditEvent::new(AuditAction::AccessTokenRevoked)
            .org(actor.org.id)
            .actor(Some(actor.user.id))
            .target(format!("access_token:{id}"))
            .details(json!({ "name": row.name, "owner": row.user_id })),
    )
    .await?;
    Ok(row.into())
}

/// Revokes `user_id`'s live tokens, in `org_id` or everywhere; offboarding calls it in its
/// transaction.
pub async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: i64,
    org_id: Option<i64>,
) -> DomainResult<u64> {
    let mut update = access_token::Entity::update_many()
        .col_expr(
            access_token::Column::RevokedAt,
            Expr::value(OffsetDateTime::now_utc()),
        )
        .filter(access_token::Column::UserId.eq(user_id))
        .filter(access_token::Column::RevokedAt.is_null());
    if let Some(org) = org_id {
        update = update.filter(access_token::Column::OrgId.eq(org));
    }
    Ok(update.exec(db).await?.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_for_a_token_is_checked() {
        let read = vec!["salesforce:read".to_string()];
        assert!(NewToken::parse("Sofie chat", &read, 90).is_ok());
        assert!(NewToken::parse("", &read, 30).is_err());
        assert!(NewToken::parse("x", &read, 91).is_err());
        assert!(NewToken::parse("x", &read, 0).is_err());
        assert!(NewToken::parse("x", &[], 30).is_err());
        assert!(NewToken::parse("x", &["salesforce:write".into()], 30).is_err());
        let both = NewToken::parse(
            "x",
            &[
                "salesforce:propose".into(),
                "salesforce:read".into(),
                "salesforce:read".into(),
            ],
            1,
        )
        .unwrap();
        assert_eq!(both.scopes, vec![Scope::Propose, Scope::Read]);
    }

    #[test]
    fn the_stored_hash_is_sha256_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
