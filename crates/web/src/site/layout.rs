//! What every page's frame needs: the clinic's name and contacts, navigation, asset URLs, the
//! page's own title, description and canonical URL, Open Graph and JSON-LD data.
//!
//! Every public template extends `site/base.html` (or `site/embed_base.html` for the compact
//! frame served inside an iframe under `/embed/*`) and has a `layout: Layout` field:
//! ```ignore
//! #[derive(Template)]
//! #[template(path = "site/my_page.html")]   // {% extends "site/base.html" %}
//! struct MyPage { layout: Layout, .. }
//! let layout = Layout::new(&app, "Page title", "/my-page").describe("One sentence.");
//! ```

use crate::site::assets;
use crate::site::format::{self, HoursLine};
use crate::site::markdown::json_ld;
use crate::state::AppState;
use jiff::civil::Date;

/// The frame around every public page.
pub struct Layout {
    pub clinic_name: String,
    pub clinic_phone: String,
    pub clinic_email: String,
    pub address: String,
    pub hours: Vec<HoursLine>,
    pub title: String,
    /// Put before the title in `<title>` only, e.g. "Error: " for a form with errors.
    pub title_prefix: &'static str,
    pub description: String,
    pub canonical: String,
    pub path: String,
    pub css: &'static str,
    pub js: &'static str,
    pub year: i16,
    /// `og:type`: `website`, or `article` for posts.
    pub og_type: &'static str,
    /// `article:published_time` (a date) for posts.
    pub published: Option<String>,
    /// JSON-LD blocks, already escaped for a `<script type="application/ld+json">`.
    pub json_ld: Vec<String>,
    /// `rel=prev` / `rel=next` URLs of a paginated list.
    pub prev: Option<String>,
    pub next: Option<String>,
    /// `noindex` for pages search engines should skip (thank-you pages, errors).
    pub noindex: bool,
}

impl Layout {
    /// The frame for a page at `path` titled `title`.
    pub fn new(state: &AppState, title: &str, path: &str) -> Self {
        let clinic = state.clinic();
        let location = clinic.default_location();
        let address = location.map(|l| l.address.one_line()).unwrap_or_default();
        let hours = location
            .map(|l| format::hours(&l.hours))
            .unwrap_or_default();
        Self {
            clinic_name: clinic.info.name.clone(),
            clinic_phone: clinic.info.phone.clone(),
            clinic_email: clinic.info.email.clone(),
            address,
            hours,
            title: title.to_owned(),
            title_prefix: "",
            description: clinic.info.tagline.clone(),
            canonical: format!("{}{}", state.config.base_url, path),
            path: path.to_owned(),
            css: assets::css_url(),
            js: assets::js_url(),
            year: year(state),
            og_type: "website",
            published: None,
            json_ld: Vec::new(),
            prev: None,
            next: None,
            noindex: false,
        }
    }

    /// Sets the meta description (and `og:description`).
    #[must_use]
    pub fn describe(mut self, text: &str) -> Self {
        if !text.trim().is_empty() {
            text.trim().clone_into(&mut self.description);
        }
        self
    }

    /// Marks the page as an article published on `date`.
    #[must_use]
    pub fn article(mut self, date: Date) -> Self {
        self.og_type = "article";
        self.published = Some(date.to_string());
        self
    }

    /// Adds a JSON-LD block.
    #[must_use]
    pub fn json_ld(mut self, value: &serde_json::Value) -> Self {
        self.json_ld.push(json_ld(value));
        self
    }

    /// Asks search engines not to index the page.
    #[must_use]
    pub fn noindex(mut self) -> Self {
        self.noindex = true;
        self
    }

    /// Prefixes `<title>` (e.g. with "Error: " when a form has errors).
    #[must_use]
    pub fn title_prefix(mut self, prefix: &'static str) -> Self {
        self.title_prefix = prefix;
        self
    }

    /// `aria-current="page"` for the nav link matching this page.
    pub fn current(&self, prefix: &str) -> &'static str {
        let here = if prefix == "/" {
            self.path == "/"
        } else {
            self.path == prefix || self.path.starts_with(&format!("{prefix}/"))
        };
        if here { "page" } else { "false" }
    }

    /// The phone number as a `tel:` URL.
    pub fn tel(&self) -> String {
        tel(&self.clinic_phone)
    }
}

/// A phone number as a `tel:` URL.
pub fn tel(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// The current year (for the footer) from the app clock.
pub fn year(state: &AppState) -> i16 {
    state.clock.now().to_zoned(jiff::tz::TimeZone::UTC).year()
}

/// Today's date in the clinic's zone (what "published" and "upcoming" mean on the site).
pub fn today(state: &AppState) -> Date {
    let clinic = state.clinic();
    let tz = clinic
        .default_location()
        .map_or(jiff::tz::TimeZone::UTC, |l| l.zone.tz().clone());
    state.clock.now().to_zoned(tz).date()
}
