//! Building the application: database, vault check, services, router, listener. Tests call
//! `Application::build` with port 0 and drive the real thing over HTTP.

use domain::changes::Changes;
use domain::tools::Tools;
use domain::workspace::Workspace;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::api::ssr::{ServiceSet, Services};
use app::{App, shell};
use axum::Router;
use axum::extract::{FromRef, Request, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use domain::auth::SignIn;
use domain::connections::ConnectionService;
use domain::metrics::Metrics;
use domain::password::Passwords;
use domain::salesforce_settings::SettingsService;
use domain::vault::Vault;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use sea_orm::DatabaseConnection;
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::assets::Assets;
use crate::config::Settings;
use crate::middleware::client_ip::{TrustedProxies, client_ip};
use crate::middleware::limits;
use crate::middleware::origin_check::{AllowedOrigins, origin_check};
use crate::middleware::request_log::request_log;
use crate::middleware::security_headers::{CspNonce, HeaderPolicy, security_headers};
use crate::session_store::DbSessionStore;

/// Where Salesforce sends people back after consent; one exact URL per public origin.
pub const CALLBACK_PATH: &str = "/api/integrations/callback/salesforce";

/// Sessions end after 30 idle minutes (the 12-hour absolute cap is checked on each request).
const IDLE_TIMEOUT: time::Duration = time::Duration::minutes(30);

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    /// Each personal access token's allowance of tool calls.
    pub token_rate: domain::tokens::Rate,
    /// The bearer token `/metrics` wants; without one `/metrics` is not served.
    pub metrics_token: Option<Arc<secrecy::SecretString>>,
    pub assets: Assets,
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    pub db: DatabaseConnection,
    /// The public origins; the first is canonical.
    pub origins: Vec<url::Url>,
    pub vault: Arc<Vault>,
    pub settings: SettingsService,
    pub connections: ConnectionService,
    pub changes: Changes,
    /// How long in-flight requests may take to finish once shutdown starts.
    grace: Duration,
}

impl Application {
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let key_ring = settings.key_ring()?;
        settings.prepare_sqlite_dir()?;
        let metrics = Metrics::default();
        let mut db = domain::db::connect(settings.database_url.expose_secret()).await?;
        metrics.count_statements(&mut db);
        domain::db::migrate(&db).await?;
        let vault = Vault::from_key_ring(&key_ring)?;
        vault.verify_against(&db).await??;
        Self::assemble(settings, db, vault, metrics).await
    }

    /// Everything after the database is ready and the vault checked against it: services,
    /// router, listener, background sweeps. The stubbed-database benchmark starts here.
    pub async fn assemble(
        settings: &Settings,
        db: DatabaseConnection,
        vault: Vault,
        metrics: Metrics,
    ) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.site_addr).await?;
        let address = listener.local_addr()?;
        let origins = settings.origins(address)?;
        let assets = Assets::load(&settings.site_root);
        let leptos_options = LeptosOptions::builder()
            .output_name(assets.output_name())
            .site_root(settings.site_root.as_str())
            .site_pkg_dir(assets.pkg_dir())
            .site_addr(address)
            .build();
        let vault = Arc::new(vault);
        let (salesforce_settings, connections) =
            salesforce_services(settings, &origins, &db, &vault, &metrics)?;
        let callback_urls = connections
            .callback_urls
            .iter()
            .map(|u| u.to_string())
            .collect::<Vec<String>>();
        let workspace = Workspace::new(connections.clone(), settings.workspace());
        let changes = Changes::new(
            db.clone(),
            workspace.clone(),
            vault.clone(),
            settings.changes(),
        );
        let services = Services::new(ServiceSet {
            db: db.clone(),
            sign_in: SignIn::new(Passwords::new()),
            vault: vault.clone(),
            settings: salesforce_settings.clone(),
            connections: connections.clone(),
            workspace: workspace.clone(),
            changes: changes.clone(),
            tools: Tools::new(
                db.clone(),
                workspace.clone(),
                changes.clone(),
                vault.clone(),
                &origins[0].origin().ascii_serialization(),
            ),
            callback_urls: Arc::new(callback_urls),
        });
        let https = origins[0].scheme() == "https";
        let allowed = origins
            .iter()
            .map(|o| o.origin().ascii_serialization())
            .collect();
        let router = router(
            AppState {
                leptos_options,
                services,
                token_rate: domain::tokens::Rate {
                    calls: settings.tool_calls_per_minute,
                    per_secs: 60,
                },
                metrics_token: settings.metrics_token.clone().map(Arc::new),
                assets,
            },
            Edge {
                https,
                origins: origins.clone(),
                allowed: AllowedOrigins(Arc::new(allowed)),
                trusted_proxies: TrustedProxies(Arc::new(settings.trusted_proxies.clone())),
            },
        );
        spawn_cleanup(db.clone());
        domain::changes::spawn_reconciler(changes.clone());
        Ok(Self {
            listener,
            router,
            db,
            origins,
            vault,
            settings: salesforce_settings,
            connections,
            changes,
            grace: Duration::from_secs(settings.shutdown_grace_secs),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Serves until SIGTERM or Ctrl-C, then stops accepting, lets in-flight requests finish
    /// within the grace period, and closes the database pool.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
        let serve = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down: finishing in-flight requests");
            let _ = stopping.send(());
        });
        let grace = self.grace;
        let outcome = tokio::select! {
            served = serve => served,
            () = async move {
                if stopped.await.is_ok() {
                    tokio::time::sleep(grace).await;
                } else {
                    std::future::pending::<()>().await;
                }
            } => {
                tracing::warn!(grace_secs = grace.as_secs(), "in-flight requests did not finish within the grace period");
                Ok(())
            }
        };
        if let Err(err) = self.db.close().await {
            tracing::warn!(error = %err, "closing the database pool failed");
        }
        outcome
    }
}

/// The Salesforce settings and connection services for this deployment: its host policy, its
/// default app, one HTTP client, and the callback URL of each public origin.
pub fn salesforce_services(
    settings: &Settings,
    origins: &[url::Url],
    db: &DatabaseConnection,
    vault: &Arc<Vault>,
    metrics: &Metrics,
) -> anyhow::Result<(SettingsService, ConnectionService)> {
    let host_policy = settings.host_policy(origins)?;
    let http = salesforce::HttpClient::new(salesforce::HttpConfig {
        policy: host_policy.clone(),
        timeout: std::time::Duration::from_secs(settings.salesforce_timeout_secs),
        observer: Some(metrics.salesforce_observer()),
        ..Default::default()
    })?;
    let salesforce_settings = SettingsService {
        db: db.clone(),
        vault: vault.clone(),
        default_app: settings.default_app(&host_policy)?,
        host_policy,
    };
    let callback_urls = origins
        .iter()
        .map(|o| {
            url::Url::parse(&format!(
                "{}{CALLBACK_PATH}",
                o.as_str().trim_end_matches('/')
            ))
        })
        .collect::<Result<_, _>>()?;
    let connections = ConnectionService::new(
        db.clone(),
        vault.clone(),
        salesforce_settings.clone(),
        http,
        callback_urls,
    )
    .with_metrics(metrics.clone());
    Ok((salesforce_settings, connections))
}

/// Provides what pages and server functions read from context, including the request's CSP nonce.
fn provide_request_context(services: Services) -> impl Fn() + Clone + Send + 'static {
    move || {
        provide_context(services.clone());
        let nonce = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
        if let Some(CspNonce(nonce)) = nonce {
            provide_context(leptos::nonce::Nonce::from_value(nonce));
        }
    }
}

/// What the edge layers need to know about the deployment.
pub struct Edge {
    pub https: bool,
    pub allowed: AllowedOrigins,
    pub trusted_proxies: TrustedProxies,
    /// The public origins, canonical first; `/mcp` accepts only their hosts.
    pub origins: Vec<url::Url>,
}

pub fn router(state: AppState, edge: Edge) -> Router {
    let Edge {
        https,
        allowed,
        trusted_proxies,
        origins,
    } = edge;
    let metrics = state.services.connections.metrics.clone();
    let stylesheet = state.assets.stylesheet_href();
    let routes = generate_route_list(App);
    let context = provide_request_context(state.services.clone());
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.services.db.clone()))
        .with_name(if https { "__Host-sofie" } else { "sofie" })
        .with_secure(https)
        .with_http_only(true)
        // Lax, not Strict: the return from Salesforce's consent page is a cross-site navigation.
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(IDLE_TIMEOUT));
    // Static assets are served outside the session layer: no session lookup per file.
    let assets = state.assets.router(&state.leptos_options.site_root);
    let pages = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::metrics::metrics))
        .route(CALLBACK_PATH, get(crate::callback::salesforce_callback))
        .route(
            "/o/{org}/salesforce/query.csv",
            get(crate::csv_export::query_csv),
        )
        .route(
            "/o/{org}/settings/audit.csv",
            get(crate::audit_export::audit_csv),
        )
        .route(
            "/o/{org}/salesforce/changes/prepare",
            post(crate::change_forms::prepare),
        )
        .route(
            "/o/{org}/salesforce/changes/{id}/revise",
            post(crate::change_forms::revise),
        )
        .route(
            "/o/{org}/salesforce/changes/{id}/approve",
            post(crate::change_forms::approve),
        )
        .route(
            "/o/{org}/salesforce/changes/{id}/reject",
            post(crate::change_forms::reject),
        )
        .route(
            "/o/{org}/salesforce/changes/{id}/done",
            post(crate::change_forms::mark_done),
        )
        .route("/api/v1/salesforce/tools", get(crate::tool_api::list))
        .route("/api/v1/salesforce/context", post(crate::tool_api::context))
        .route(
            "/api/v1/salesforce/tools/{name}",
            post(crate::tool_api::call),
        )
        .route("/api/{*fn_name}", post(server_fn_handler))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(sessions)
        .layer(axum::middleware::from_fn(
            crate::middleware::request_log::mark_route,
        ))
        .layer(axum::middleware::from_fn(fresh_request_cache))
        .with_state(state.clone());
    // MCP answers bearer tokens only, so it sits outside the session layer.
    let mcp = Router::new()
        .route_service(
            crate::mcp::PATH,
            crate::mcp::service(state.clone(), &origins),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::mcp::authenticate,
        ))
        .route(
            crate::mcp::METADATA_PATH,
            get(crate::mcp::protected_resource),
        )
        .route(
            &format!("{}{}", crate::mcp::METADATA_PATH, crate::mcp::PATH),
            get(crate::mcp::protected_resource),
        )
        .with_state(state);
    harden(
        Router::new()
            .merge(assets)
            .merge(mcp)
            .merge(crate::middleware::stall_retry::retry_stalled_renders(pages)),
        HeaderPolicy { https },
        allowed,
        metrics,
        stylesheet,
    )
    .layer(axum::middleware::from_fn_with_state(
        trusted_proxies,
        client_ip,
    ))
}

/// The layers every response passes through, innermost first: size, time and panic limits; the
/// cross-site check; security headers (on error pages too); the request log. `stylesheet` styles
/// the error page.
pub fn harden(
    router: Router,
    headers: HeaderPolicy,
    allowed: AllowedOrigins,
    metrics: Metrics,
    stylesheet: String,
) -> Router {
    limits::limit(router, stylesheet)
        .layer(axum::middleware::from_fn_with_state(allowed, origin_check))
        .layer(axum::middleware::from_fn_with_state(
            headers,
            security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(metrics, request_log))
}

/// Each request its own look-up of who is signed in, shared by the server functions of its page.
async fn fresh_request_cache(
    mut request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    request
        .extensions_mut()
        .insert(app::api::ssr::RequestCache::default());
    next.run(request).await
}

/// Readiness, for a load balancer: 200 only while the database answers and its schema is this
/// build's latest; 503 with the reason otherwise. `/healthz` says only that the process runs.
async fn readyz(State(state): State<AppState>) -> axum::response::Response {
    match domain::db::readiness(&state.services.db).await {
        Ok(()) => "ready".into_response(),
        Err(why) => {
            let cause = std::error::Error::source(&why).map(ToString::to_string);
            tracing::warn!(reason = %why, cause, "not ready");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {why}\n"),
            )
                .into_response()
        }
    }
}

async fn server_fn_handler(State(state): State<AppState>, request: Request) -> impl IntoResponse {
    handle_server_fns_with_context(provide_request_context(state.services.clone()), request).await
}

/// Purges expired sessions and sign-in failures that no longer count.
fn spawn_cleanup(db: DatabaseConnection) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(15 * 60));
        loop {
            every.tick().await;
            if let Err(err) = domain::sessions::delete_expired(&db).await {
                tracing::warn!(error = %err, "could not purge expired sessions");
            }
            let now = time::OffsetDateTime::now_utc();
            if let Err(err) =
                domain::throttle::delete_stale(&db, domain::auth::THROTTLE_WINDOW, now).await
            {
                tracing::warn!(error = %err, "could not purge old sign-in failures");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
