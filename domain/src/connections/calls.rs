//! The one place that calls Salesforce for a person. It unseals the access token, and on 401
//! `INVALID_SESSION_ID` refreshes once and retries once. A refresh is single-flight per
//! connection: a mutex inside this process, and across processes a lease on the row taken by a
//! compare-and-swap on `token_version` (SQLite ignores `FOR UPDATE`, so no row lock is relied on).

use std::future::Future;
use std::time::{Duration, Instant};

use salesforce::rest::RestClient;
use salesforce::{Error as SfError, GrantCause, LoginHost};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter};
use secrecy::SecretString;
use time::OffsetDateTime;

use super::ConnectionService;
use super::status::{Cause, Status};
use super::store::{self, access_aad, api_version, refresh_aad};
use crate::access::Actor;
use crate::entities::connection;
use crate::error::{DomainError, DomainResult};

/// How long a process may hold the refresh lease before others may take it over.
const LEASE: time::Duration = time::Duration::seconds(30);
/// How long a caller waits for another process's refresh before giving up.
const WAIT_FOR_REFRESH: Duration = Duration::from_secs(20);
/// "Last successful call" is written at most this often per connection and process.
const TOUCH_EVERY: Duration = Duration::from_secs(60);
/// How long this process reuses a connection's unsealed token without reading the row again. A
/// disconnect in another process is seen here within this long (and its tokens are already
/// revoked at Salesforce); one in this process is seen at once.
const SESSION_CACHE_TTL: Duration = Duration::from_secs(2);

/// A connection's token as one process holds it for a moment.
#[derive(Clone)]
pub(super) struct Session {
    connection_id: i64,
    token_version: i64,
    sf_org_id: String,
    sf_user_id: String,
    access: SecretString,
    instance_url: String,
    read_at: Instant,
}

/// What a connection check found.
#[derive(Clone, Debug)]
pub struct SalesforceCall {
    pub api_used: Option<i64>,
    pub api_max: Option<i64>,
}

/// Which connection, at which token generation, a call runs on: what caches of that connection's
/// view of Salesforce (describe) are keyed by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConnectionRef {
    pub id: i64,
    /// `token_version`: moves on every refresh, reconnect and disconnect, in any process.
    pub generation: i64,
    pub sf_org_id: String,
    pub sf_user_id: String,
}

/// What an operation gets to call Salesforce with.
pub struct Upstream {
    pub rest: RestClient,
    pub connection: ConnectionRef,
}

fn cause_of(cause: GrantCause) -> Cause {
    match cause {
        GrantCause::InactiveUser => Cause::UserInactive,
        GrantCause::InactiveOrg => Cause::OrgInactive,
        GrantCause::AppBlocked | GrantCause::NotApproved => Cause::AppBlocked,
        _ => Cause::RevokedOrExpired,
    }
}

impl ConnectionService {
    /// The person's active connection, or why there is none.
    pub(super) async fn active(&self, actor: &Actor) -> DomainResult<connection::Model> {
        let Some(conn) = store::find(&self.db, actor.user.id, actor.org.id).await? else {
            return Err(DomainError::NotConnected);
        };
        match Status::parse(&conn.status) {
            Status::Active => Ok(conn),
            Status::NeedsReconnect => Err(DomainError::NeedsReconnect(
                conn.cause
                    .as_deref()
                    .and_then(Cause::parse)
                    .unwrap_or(Cause::RevokedOrExpired),
            )),
            Status::Disconnected => Err(DomainError::NotConnected),
        }
    }

    /// The connection's token for `actor`: from this process's short-lived cache, else read and
    /// unsealed from the database (and cached).
    async fn session_for(&self, actor: &Actor) -> DomainResult<Session> {
        let key = (actor.user.id, actor.org.id);
        let cached = self
            .sessions
            .lock()
            .expect("session cache poisoned")
            .get(&key)
            .filter(|s| s.read_at.elapsed() < SESSION_CACHE_TTL)
            .cloned();
        if let Some(cached) = cached {
            return Ok(cached);
        }
        let conn = match self.active(actor).await {
            Ok(conn) => conn,
            Err(e) => {
                self.forget(actor.user.id, actor.org.id);
                return Err(e);
            }
        };
        let Some(sealed) = conn.access_token.as_deref() else {
            return Err(DomainError::NeedsReconnect(Cause::RevokedOrExpired));
        };
        let session = Session {
            connection_id: conn.id,
            token_version: conn.token_version,
            sf_org_id: conn.sf_org_id.clone(),
            sf_user_id: conn.sf_user_id.clone(),
            access: store::open(&self.vault, sealed, &access_aad(conn.id))?,
            instance_url: conn.instance_url.clone(),
            read_at: Instant::now(),
        };
        self.remember(key, session.clone());
        Ok(session)
    }

    fn remember(&self, key: (i64, i64), session: Session) {
        self.sessions
            .lock()
            .expect("session cache poisoned")
            .insert(key, session);
    }

    /// Drops this process's cached token of a person's connection (after a disconnect, a mark,
    /// a refusal).
    pub(super) fn forget(&self, user_id: i64, org_id: i64) {
        self.sessions
            .lock()
            .expect("session cache poisoned")
            .remove(&(user_id, org_id));
    }

    /// Runs `op` against Salesforce as `actor`, refreshing once on an expired session. Every
    /// answer's `Sforce-Limit-Info` updates the Salesforce organization's API usage.
    pub async fn call<T, F, Fut>(&self, actor: &Actor, op: F) -> DomainResult<T>
    where
        F: Fn(Upstream) -> Fut,
        Fut: Future<Output = Result<T, SfError>>,
    {
        if !(actor.org.integrations_enabled && actor.org.salesforce_enabled) {
            return Err(DomainError::Conflict(
                "The Salesforce integration is off for this organization.".into(),
            ));
        }
        let session = self.session_for(actor).await?;
        let result = match self.attempt(&session, &op).await? {
            Err(SfError::SessionExpired(_)) => {
                let refreshed = self
                    .refresh(session.connection_id, session.token_version)
                    .await;
                let (access, instance_url, version) = match refreshed {
                    Ok(tokens) => tokens,
                    Err(e) => {
                        self.forget(actor.user.id, actor.org.id);
                        return Err(e);
                    }
                };
                let renewed = Session {
                    token_version: version,
                    access,
                    instance_url,
                    read_at: Instant::now(),
                    ..session.clone()
                };
                self.remember((actor.user.id, actor.org.id), renewed.clone());
                self.attempt(&renewed, &op).await?
            }
            other => other,
        };
        let value = result?;
        self.touch(session.connection_id).await;
        Ok(value)
    }

    /// One try of `op` on `session`'s token, noting the API usage Salesforce reported.
    async fn attempt<T, F, Fut>(
        &self,
        session: &Session,
        op: &F,
    ) -> DomainResult<Result<T, SfError>>
    where
        F: Fn(Upstream) -> Fut,
        Fut: Future<Output = Result<T, SfError>>,
    {
        let rest = RestClient::new(
            self.http.clone(),
            &session.instance_url,
            session.access.clone(),
            api_version(),
        )?;
        let upstream = Upstream {
            rest: rest.clone(),
            connection: ConnectionRef {
                id: session.connection_id,
                generation: session.token_version,
                sf_org_id: session.sf_org_id.clone(),
                sf_user_id: session.sf_user_id.clone(),
            },
        };
        let result = op(upstream).await;
        if let Some(info) = rest.last_limit_info() {
            self.usage.record(&session.sf_org_id, &info);
        }
        if matches!(result, Err(SfError::LimitExceeded(_))) {
            self.usage.exhausted(&session.sf_org_id);
        }
        Ok(result)
    }

    /// A light authenticated call (the org's limits), to show the person their connection works.
    pub async fn check(&self, actor: &Actor) -> DomainResult<SalesforceCall> {
        let limits = self
            .call(actor, |up| async move { up.rest.limits().await })
            .await?;
        let daily = limits.get("DailyApiRequests");
        Ok(SalesforceCall {
            api_used: daily.map(|l| l.max.saturating_sub(l.remaining)),
            api_max: daily.map(|l| l.max),
        })
    }

    /// Writes "last successful call" unless this process wrote it within the last minute.
    async fn touch(&self, id: i64) {
        let now = Instant::now();
        {
            let mut touched = self.touched.lock().expect("touch map poisoned");
            if touched
                .get(&id)
                .is_some_and(|at| now.duration_since(*at) < TOUCH_EVERY)
            {
                return;
            }
            touched.insert(id, now);
        }
        let result = connection::Entity::update_many()
            .col_expr(
                connection::Column::LastCallAt,
                Expr::value(OffsetDateTime::now_utc()),
            )
            .filter(connection::Column::Id.eq(id))
            .exec(&self.db)
            .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not record a connection's last call");
        }
    }

    fn lock_for(&self, id: i64) -> std::sync::Arc<tokio::sync::Mutex<()>> {
        self.refresh_locks
            .lock()
            .expect("refresh lock map poisoned")
            .entry(id)
            .or_default()
            .clone()
    }

    /// A fresh access token and instance URL for `seen`, refreshed here unless another caller
    /// (in this process or another) already did since `seen` was read.
    async fn refresh(
        &self,
        id: i64,
        seen_version: i64,
    ) -> DomainResult<(SecretString, String, i64)> {
        let lock = self.lock_for(id);
        let _one_at_a_time = lock.lock().await;
        let started = Instant::now();
        let row = loop {
            let row = connection::Entity::find_by_id(id)
                .one(&self.db)
                .await?
                .ok_or(DomainError::NotConnected)?;
            if row.token_version != seen_version {
                return self.current_tokens(&row);
            }
            let now = OffsetDateTime::now_utc();
            let taken = connection::Entity::update_many()
                .col_expr(
                    connection::Column::RefreshLeaseUntil,
                    Expr::value(now + LEASE),
                )
                .filter(connection::Column::Id.eq(id))
                .filter(connection::Column::TokenVersion.eq(seen_version))
                .filter(
                    Condition::any()
                        .add(connection::Column::RefreshLeaseUntil.is_null())
                        .add(connection::Column::RefreshLeaseUntil.lt(now)),
                )
                .exec(&self.db)
                .await?
                .rows_affected;
            if taken == 1 {
                break row;
            }
            if started.elapsed() > WAIT_FOR_REFRESH {
                return Err(DomainError::Salesforce(SfError::Transient {
                    status: None,
                    detail: "another server is still refreshing this connection".into(),
                }));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let refreshed = self.refresh_at_salesforce(&row).await;
        self.metrics.refresh(match &refreshed {
            Ok(_) => "ok",
            Err(DomainError::NeedsReconnect(cause)) => cause.as_str(),
            Err(DomainError::Salesforce(_)) => "salesforce_error",
            Err(_) => "error",
        });
        match refreshed {
            Ok(tokens) => Ok(tokens),
            Err(err) => {
                // Release the lease so the next call can try again (a revoked grant was already
                // marked, which moved the version on).
                let _ = connection::Entity::update_many()
                    .col_expr(
                        connection::Column::RefreshLeaseUntil,
                        Expr::value(Option::<OffsetDateTime>::None),
                    )
                    .filter(connection::Column::Id.eq(row.id))
                    .filter(connection::Column::TokenVersion.eq(row.token_version))
                    .exec(&self.db)
                    .await;
                Err(err)
            }
        }
    }

    fn current_tokens(&self, row: &connection::Model) -> DomainResult<(SecretString, String, i64)> {
        match (Status::parse(&row.status), row.access_token.as_deref()) {
            (Status::Active, Some(sealed)) => Ok((
                store::open(&self.vault, sealed, &access_aad(row.id))?,
                row.instance_url.clone(),
                row.token_version,
            )),
            (Status::Disconnected, _) => Err(DomainError::NotConnected),
            _ => Err(DomainError::NeedsReconnect(
                row.cause
                    .as_deref()
                    .and_then(Cause::parse)
                    .unwrap_or(Cause::RevokedOrExpired),
            )),
        }
    }

    async fn refresh_at_salesforce(
        &self,
        row: &connection::Model,
    ) -> DomainResult<(SecretString, String, i64)> {
        let Some(sealed) = row.refresh_token.as_deref() else {
            store::mark_needs_reconnect(&self.db, row, Cause::NoOfflineAccess).await?;
            return Err(DomainError::NeedsReconnect(Cause::NoOfflineAccess));
        };
        let refresh_token = store::open(&self.vault, sealed, &refresh_aad(row.id))?;
        let login_host = LoginHost::parse(&row.login_host, &self.settings.host_policy)
            .map_err(|e| DomainError::internal("a stored login host no longer parses", e))?
            .host;
        let secret = self
            .settings
            .client_secret(row.org_id, &row.app_origin, row.settings_id)
            .await?;
        let oauth = self.oauth(&login_host, &row.client_id, secret, &self.callback_urls[0])?;
        let tokens = match oauth.refresh(&refresh_token).await {
            Ok(tokens) => tokens,
            Err(SfError::RefreshRevoked { cause, .. }) => {
                let cause = match cause_of(cause) {
                    Cause::RevokedOrExpired if self.pushed_out(row).await? => Cause::PushedOut,
                    other => other,
                };
                store::mark_needs_reconnect(&self.db, row, cause).await?;
                return Err(DomainError::NeedsReconnect(cause));
            }
            Err(other) => return Err(other.into()),
        };
        let now = OffsetDateTime::now_utc();
        let instance_url = tokens
            .instance_url
            .as_str()
            .trim_end_matches('/')
            .to_string();
        let access = self.vault.seal(&tokens.access_token, &access_aad(row.id));
        let mut update = connection::Entity::update_many()
            .col_expr(connection::Column::AccessToken, Expr::value(access))
            .col_expr(
                connection::Column::InstanceUrl,
                Expr::value(instance_url.clone()),
            )
            .col_expr(
                connection::Column::TokenVersion,
                Expr::value(row.token_version + 1),
            )
            .col_expr(
                connection::Column::RefreshLeaseUntil,
                Expr::value(Option::<OffsetDateTime>::None),
            )
            .col_expr(connection::Column::LastRefreshAt, Expr::value(now))
            .col_expr(connection::Column::UpdatedAt, Expr::value(now));
        if tokens.refresh_token_issued
            && let Some(rotated) = &tokens.refresh_token
        {
            // Rotation: the old token is already dead at Salesforce, so the new one is stored in
            // the same statement as the access token it came with.
            update = update.col_expr(
                connection::Column::RefreshToken,
                Expr::value(self.vault.seal(rotated, &refresh_aad(row.id))),
            );
        }
        let written = update
            .filter(connection::Column::Id.eq(row.id))
            .filter(connection::Column::TokenVersion.eq(row.token_version))
            .exec(&self.db)
            .await?
            .rows_affected;
        if written != 1 {
            // Disconnected or marked meanwhile: that decision stands.
            let current = connection::Entity::find_by_id(row.id)
                .one(&self.db)
                .await?
                .ok_or(DomainError::NotConnected)?;
            return self.current_tokens(&current);
        }
        Ok((tokens.access_token, instance_url, row.token_version + 1))
    }

    /// Whether Sofie itself made five newer approvals of the same app for the same Salesforce
    /// user (other connections, e.g. in other organizations using Sofie's default app).
    async fn pushed_out(&self, row: &connection::Model) -> DomainResult<bool> {
        let newer = connection::Entity::find()
            .filter(connection::Column::SfUserId.eq(row.sf_user_id.clone()))
            .filter(connection::Column::ClientId.eq(row.client_id.clone()))
            .filter(connection::Column::Id.ne(row.id))
            .filter(connection::Column::ConnectedAt.gt(row.connected_at))
            .count(&self.db)
            .await?;
        Ok(newer >= 5)
    }
}
