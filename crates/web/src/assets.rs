//! The front-end assets, built into the binary: no CDN, nothing fetched at run time.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &[u8])] = &[
    ("confer.css", "text/css; charset=utf-8", include_bytes!("../assets/confer.css")),
    ("govuk-frontend.min.js", "text/javascript; charset=utf-8", include_bytes!("../assets/govuk-frontend.min.js")),
    ("init.js", "text/javascript; charset=utf-8", include_bytes!("../assets/init.js")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../assets/favicon.svg")),
];

pub async fn asset(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, body)) => {
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *body).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
