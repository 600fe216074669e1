//! Eropaf's web shell: server-rendered Dutch pages (askama, htmx where it helps, all working
//! without JavaScript), login sessions in the database, and the JSON API under `/api/v1`.

pub mod api;
pub mod assets;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod pages;
mod security;

use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use store::Store;
use time::OffsetDateTime;

/// Where the time comes from: the wall clock in production, a fixed instant in tests.
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    clock: Clock,
}

impl AppState {
    pub fn new(store: Store, clock: Clock) -> AppState {
        AppState { store, clock }
    }

    pub fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/inloggen", get(pages::login::form).post(pages::login::submit))
        .route("/uitloggen", post(pages::login::logout))
        .route("/taal", get(pages::switch_language))
        .route("/mijn-dag", get(pages::households::my_day))
        .route("/huishoudens", get(pages::households::search_form).post(pages::households::search))
        .route("/huishoudens/nieuw", get(pages::households::new_form).post(pages::households::create))
        .route("/huishoudens/{id}", get(pages::households::detail))
        .route("/partner", get(pages::roles::partner_home))
        .route("/privacy", get(pages::roles::privacy_home))
        .route("/beheer", get(pages::roles::admin_home))
        .route("/toegankelijkheid", get(pages::accessibility))
        .route("/healthz", get(healthz))
        .route("/assets/{name}", get(assets::serve))
        .nest("/api/v1", api::router())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> axum::http::StatusCode {
    if state.store.healthy().await {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    }
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
