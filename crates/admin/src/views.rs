//! The back office's frame and shared pages: [`Layout`] (clinic name, navigation filtered by
//! the permission table, the signed-in user and the sign-out form), [`html`] and [`page`]
//! to render, the 403 page and one-message pages.
//!
//! Every admin template extends `admin/base.html` and has a `layout: Layout` field.

use crate::assets;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use medspa_core::access::{Action, can};
use medspa_store::User;
use medspa_web::AppState;
use medspa_web::error::PageError;

/// One navigation link.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The frame around every back-office page.
pub struct Layout {
    pub title: String,
    /// "Error: " when the page shows a form with errors.
    pub title_prefix: &'static str,
    pub clinic_name: String,
    /// The signed-in user's name and role label.
    pub user: Option<(String, &'static str)>,
    pub nav: Vec<NavItem>,
    /// The CSRF token for the sign-out form (and the page's own forms).
    pub csrf: String,
    pub site_css: &'static str,
    pub admin_css: &'static str,
}

/// Links of the back office and the action each needs; only pages that exist are listed.
const NAV: [(&str, &str, Action); 8] = [
    ("/admin", "Today", Action::ViewToday),
    ("/admin/settings", "Settings", Action::ManageSettings),
    ("/admin/services", "Services", Action::ManageSettings),
    ("/admin/staff", "Staff", Action::ManageSettings),
    ("/admin/rooms", "Rooms", Action::ManageSettings),
    ("/admin/devices", "Devices", Action::ManageSettings),
    ("/admin/users", "Users", Action::ManageUsers),
    ("/admin/account", "Your account", Action::ViewToday),
];

impl Layout {
    /// The frame for a page at `path` titled `title`, for `user` (or nobody).
    pub fn new(app: &AppState, title: &str, path: &str, user: Option<&User>, csrf: String) -> Self {
        let clinic = app.clinic();
        let nav = user
            .map(|u| {
                NAV.iter()
                    .filter(|(_, _, action)| can(u.role, *action))
                    .map(|(href, label, _)| NavItem {
                        href,
                        label,
                        current: if *href == "/admin" {
                            path == "/admin"
                        } else {
                            path == *href || path.starts_with(&format!("{href}/"))
                        },
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            title: title.to_owned(),
            title_prefix: "",
            clinic_name: if clinic.info.name.is_empty() {
                "medspa".to_owned()
            } else {
                clinic.info.name.clone()
            },
            user: user.map(|u| (u.name.clone(), u.role.label())),
            nav,
            csrf,
            site_css: medspa_web::site::assets::css_url(),
            admin_css: assets::css_url(),
        }
    }

    /// Marks the page as showing form errors.
    #[must_use]
    pub fn with_errors(mut self, has_errors: bool) -> Self {
        self.title_prefix = if has_errors { "Error: " } else { "" };
        self
    }
}

/// Renders a page: never cached (every back-office page is personal).
pub fn html<T: Template>(t: &T) -> Result<Response, PageError> {
    page(StatusCode::OK, t)
}

/// Renders a page with a status.
pub fn page<T: Template>(status: StatusCode, t: &T) -> Result<Response, PageError> {
    let mut res = (status, Html(t.render()?)).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, private"),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "admin/message.html")]
pub struct Message {
    pub layout: Layout,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub link: Option<(String, String)>,
}

/// A page saying one thing, with an optional link onwards.
pub fn message(
    app: &AppState,
    status: StatusCode,
    heading: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
    user: Option<&User>,
) -> Response {
    let m = Message {
        layout: Layout::new(app, heading, "", user, String::new()),
        heading: heading.to_owned(),
        paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
        link: link.map(|(href, text)| (href.to_owned(), text.to_owned())),
    };
    page(status, &m).unwrap_or_else(IntoResponse::into_response)
}

/// The 403 page: signed in, but this role may not do that.
pub fn forbidden(app: &AppState, user: &User) -> Response {
    message(
        app,
        StatusCode::FORBIDDEN,
        "You don't have access to this page",
        &[&format!(
            "You're signed in as {}, and this page is for other roles. If you need it for your work, ask an owner of the clinic to change your role.",
            user.role.label()
        )],
        Some(("/admin", "Back to today")),
        Some(user),
    )
}
