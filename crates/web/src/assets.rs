//! The vendored front-end (NL Design System CSS, htmx) and Eropaf's theme, embedded in the
//! binary so a single file runs anywhere. Sources and licences: assets/LICENSES.md.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

pub const ASSETS: &[Asset] = &[
    Asset { path: "utrecht.css", content_type: "text/css; charset=utf-8", body: include_bytes!("../assets/utrecht.css") },
    Asset { path: "theme.css", content_type: "text/css; charset=utf-8", body: include_bytes!("../assets/theme.css") },
    Asset { path: "htmx.min.js", content_type: "text/javascript; charset=utf-8", body: include_bytes!("../assets/htmx.min.js") },
];

pub async fn serve(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.path == name) {
        Some(a) => ([(header::CONTENT_TYPE, a.content_type), (header::CACHE_CONTROL, "public, max-age=3600")], a.body).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
