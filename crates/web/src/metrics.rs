//! Operations (issue 9): every answered request is counted and timed by its route template
//! (`/huishoudens/{id}`, never the path with its id), and `/metrics` serves the process's
//! counters in Prometheus' format on a listener of its own, away from the public one.

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use store::Store;

/// Middleware: counts and times the request under its route template.
// A monotonic clock for the request's duration in the metrics; no data's time comes from it.
#[allow(clippy::disallowed_methods)]
pub async fn track(req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "(geen route)".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(req).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    store::metrics::request(&method, &route, status, seconds);
    tracing::info!(method, route, status, ms = seconds * 1000.0, "request");
    response
}

/// The metrics listener's router: `GET /metrics` only.
pub fn router(store: Store) -> Router {
    Router::new().route("/metrics", get(render)).with_state(store)
}

/// Serves [`router`] on its own listener until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, store: Store) -> std::io::Result<()> {
    axum::serve(listener, router(store)).await
}

async fn render(State(store): State<Store>) -> ([(header::HeaderName, &'static str); 1], String) {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], store::metrics::render(&store.pool_stats()))
}
