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

#[cfg(test)]
mod tests {
    use super::ApiDoc;
    use std::collections::BTreeSet;
    use utoipa::OpenApi;

    /// Every `(METHOD, path)` routed under `/api/v1` anywhere in this crate's source, read from
    /// the `.route("/api/v1/...", get(..).post(..))` calls.
    fn routed() -> BTreeSet<(String, String)> {
        let mut out = BTreeSet::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let src = std::fs::read_to_string(&path).unwrap();
                // Production code only: routes in unit tests are not the API. Whitespace is
                // dropped so a call rustfmt spread over lines reads the same.
                let src = &src[..src.find("#[cfg(test)]").unwrap_or(src.len())];
                let src: String = src.chars().filter(|c| !c.is_whitespace()).collect();
                for (i, _) in src.match_indices(".route(\"/api/v1") {
                    let rest = &src[i + ".route(\"".len()..];
                    let end = rest.find('"').unwrap();
                    let route = &rest[..end];
                    // The rest of this `.route(...)` call: up to its balancing parenthesis.
                    let mut depth = 1;
                    let close = rest[end..]
                        .char_indices()
                        .find(|(_, c)| {
                            match c {
                                '(' => depth += 1,
                                ')' => depth -= 1,
                                _ => {}
                            }
                            depth == 0
                        })
                        .map_or(rest.len(), |(j, _)| end + j);
                    let call = &rest[end..close];
                    for method in ["get", "post", "put", "patch", "delete"] {
                        if call.contains(&format!("{method}(")) {
                            out.insert((method.to_uppercase(), route.to_owned()));
                        }
                    }
                }
            }
        }
        out
    }

    fn documented() -> BTreeSet<(String, String)> {
        let doc = ApiDoc::openapi();
        let mut out = BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ] {
                if op {
                    out.insert((method.to_owned(), path.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn every_api_route_is_in_the_document_and_nothing_else() {
        let routed = routed();
        assert!(routed.len() >= 12, "the scan finds the routes: {routed:?}");
        let documented = documented();
        let missing: Vec<_> = routed.difference(&documented).collect();
        assert!(
            missing.is_empty(),
            "routes missing from /api/openapi.json: {missing:?}"
        );
        let extra: Vec<_> = documented.difference(&routed).collect();
        assert!(extra.is_empty(), "documented but not routed: {extra:?}");
    }
}
