//! What every page's frame needs: the clinic's name and contacts, navigation, asset URLs and
//! the page's own title and canonical URL.

use crate::site::assets;
use crate::state::AppState;

/// The frame around every public page.
pub struct Layout {
    pub clinic_name: String,
    pub clinic_phone: String,
    pub clinic_email: String,
    pub address: String,
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub path: String,
    pub css: &'static str,
    pub js: &'static str,
    pub year: i16,
}

impl Layout {
    /// The frame for a page at `path` titled `title`.
    pub fn new(state: &AppState, title: &str, path: &str) -> Self {
        let clinic = state.clinic();
        let address = clinic
            .default_location()
            .map(|l| l.address.one_line())
            .unwrap_or_default();
        let year = state.clock.now().to_zoned(jiff::tz::TimeZone::UTC).year();
        Self {
            clinic_name: clinic.info.name.clone(),
            clinic_phone: clinic.info.phone.clone(),
            clinic_email: clinic.info.email.clone(),
            address,
            title: title.to_owned(),
            description: clinic.info.tagline.clone(),
            canonical: format!("{}{}", state.config.base_url, path),
            path: path.to_owned(),
            css: assets::css_url(),
            js: assets::js_url(),
            year,
        }
    }

    /// `aria-current="page"` for the nav link matching this page.
    pub fn current(&self, prefix: &str) -> &'static str {
        let here = if prefix == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(prefix)
        };
        if here { "page" } else { "false" }
    }

    /// The phone number as a `tel:` URL.
    pub fn tel(&self) -> String {
        let digits: String = self
            .clinic_phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        format!("tel:{digits}")
    }
}
