//! The OpenAPI 3.1 document of every `/api/v1` route (`/api/openapi.json`) and a readable,
//! script-free docs page rendered from it (`/api/docs`).

use super::{availability, bookings, catalog, eligibility, quiz};
use crate::state::AppState;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::fmt::Write as _;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "medspa API", description = "Booking, catalog and screening for a medical spa. Times are RFC 3339 with the location's offset; money is integer cents; errors are RFC 9457 problem+json with a machine `code`."),
    paths(
        catalog::clinic, catalog::services, catalog::service,
        availability::availability, eligibility::eligibility,
        bookings::create, bookings::show, bookings::cancel, bookings::reschedule, bookings::calendar,
        quiz::list, quiz::answer,
    ),
    tags((name = "clinic"), (name = "services"), (name = "booking"), (name = "manage"), (name = "quiz"))
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(spec))
        .route("/api/docs", get(docs))
}

async fn spec() -> Response {
    Json(ApiDoc::openapi()).into_response()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn docs() -> Html<String> {
    let doc = ApiDoc::openapi();
    let mut body = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>medspa API</title></head><body><main><h1>medspa API</h1><p>The machine-readable document is at <a href=\"/api/openapi.json\">/api/openapi.json</a>.</p>",
    );
    if let Some(d) = &doc.info.description {
        let _ = write!(body, "<p>{}</p>", esc(d));
    }
    for (path, item) in &doc.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ];
        for (method, op) in ops {
            let Some(op) = op else { continue };
            let _ = write!(
                body,
                "<section><h2><code>{method} {}</code></h2>",
                esc(path)
            );
            if let Some(s) = op.description.as_ref().or(op.summary.as_ref()) {
                let _ = write!(body, "<p>{}</p>", esc(s));
            }
            body.push_str("<ul>");
            for (status, resp) in &op.responses.responses {
                let text = match resp {
                    utoipa::openapi::RefOr::T(r) => r.description.clone(),
                    utoipa::openapi::RefOr::Ref(r) => r.ref_location.clone(),
                };
                let _ = write!(
                    body,
                    "<li><strong>{}</strong> {}</li>",
                    esc(status),
                    esc(&text)
                );
            }
            body.push_str("</ul></section>");
        }
    }
    body.push_str("</main></body></html>");
    Html(body)
}
