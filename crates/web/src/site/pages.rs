//! Editable pages: `/accessibility` (our statement and how to ask for help) and
//! `/health-and-safety` (infection control and visit policies). The text comes from the
//! `pages` table; a page never written shows the built-in text below, with the clinic's own
//! contact details, so a fresh install is never blank.

use crate::error::PageError;
use crate::site::cache::SiteCache;
use crate::site::format;
use crate::site::html;
use crate::site::layout::{Layout, tel};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, State};
use axum::response::Response;
use axum::routing::get;
use std::sync::Arc;

/// `(slug, title, description, default Markdown)`. `{name}`, `{phone}`, `{tel}`, `{email}`
/// are filled in from the clinic's settings.
const PAGES: &[(&str, &str, &str, &str)] = &[
    (
        "accessibility",
        "Accessibility",
        "How we make our website and studio accessible, and how to ask for help.",
        "{name} wants everyone to be able to use this website and visit us comfortably.\n\n\
         ## This website\n\nWe aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 \
         at level AA. Every page and form works with a keyboard alone and without JavaScript, \
         text has enough contrast in light and dark mode, and motion is switched off when your \
         device asks for reduced motion.\n\n## Ask for help or report a problem\n\nIf something \
         doesn't work for you, or you need information in another format, call \
         [{phone}]({tel}), email [{email}](mailto:{email}) or [send us a message](/contact). \
         We can always book your appointment by phone.",
    ),
    (
        "health-and-safety",
        "Health and safety",
        "Our infection-control and visit policies.",
        "Your safety comes first at every visit.\n\n## Infection control\n\n- Hands are \
         cleaned before and after every client, and gloves are worn for every treatment.\n- \
         Rooms and surfaces are disinfected between appointments.\n- Single-use items are \
         opened in front of you and used once.\n\n## Before your visit\n\nIf you are unwell, \
         or have a cold sore, infection or rash on the area to be treated, call \
         [{phone}]({tel}) to move your appointment; there is no fee for rescheduling for \
         health reasons.",
    ),
];

pub fn router() -> Router<AppState> {
    let mut r = Router::new();
    for (slug, ..) in PAGES {
        r = r.route(
            &format!("/{slug}"),
            get(move |s: State<AppState>, c: Extension<Arc<SiteCache>>| show(s, c, slug)),
        );
    }
    r
}

#[derive(Template)]
#[template(path = "site/page.html")]
struct PageView {
    layout: Layout,
    title: String,
    body_html: Arc<str>,
    updated: Option<String>,
}

async fn show(
    State(app): State<AppState>,
    Extension(cache): Extension<Arc<SiteCache>>,
    slug: &'static str,
) -> Result<Response, PageError> {
    let Some((_, default_title, description, default_body)) =
        PAGES.iter().find(|(s, ..)| *s == slug)
    else {
        return Err(PageError::not_found());
    };
    let stored = app.store.page(slug).await?;
    let clinic = app.clinic();
    let (title, body_html, updated) = if let Some(p) = &stored {
        (
            p.title.clone(),
            cache.markdown(&format!("page:{slug}"), &p.body_markdown),
            jiff::Timestamp::from_millisecond(p.updated_at_ms)
                .ok()
                .map(|t| format::long_date(t.to_zoned(jiff::tz::TimeZone::UTC).date())),
        )
    } else {
        let body = default_body
            .replace("{name}", &clinic.info.name)
            .replace("{phone}", &clinic.info.phone)
            .replace("{tel}", &tel(&clinic.info.phone))
            .replace("{email}", &clinic.info.email);
        (
            (*default_title).to_owned(),
            crate::site::markdown::render(&body).into(),
            None,
        )
    };
    let layout = Layout::new(&app, &title, &format!("/{slug}")).describe(description);
    let page = PageView {
        layout,
        title,
        body_html,
        updated,
    };
    html(&page)
}
