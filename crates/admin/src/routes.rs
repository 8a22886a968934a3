//! Every back-office route and who may use it, in one table that the guard consults before any
//! handler runs ([`guard`]). A route missing from the table is refused (deny by default), and
//! the route-by-role test walks this table against [`medspa_core::access::can`].
//!
//! Anonymous requests to a staff route are redirected (303) to `/admin/login`; a signed-in user
//! without the right gets the 403 page.

use crate::session::{self, SignedIn};
use crate::views;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use medspa_core::access::{Action, can};
use medspa_web::AppState;
use medspa_web::error::PageError;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in, setup, reset and invitation links, sign-out).
    Anyone,
    /// A signed-in user whose role may do this action.
    Staff(Action),
}

/// One back-office route.
#[derive(Clone, Copy, Debug)]
pub struct AdminRoute {
    pub method: &'static str,
    /// The axum route pattern (`{id}` for path parameters).
    pub path: &'static str,
    pub access: Access,
}

const fn r(method: &'static str, path: &'static str, access: Access) -> AdminRoute {
    AdminRoute {
        method,
        path,
        access,
    }
}

use Access::{Anyone, Staff};

/// The table.
pub const ROUTES: &[AdminRoute] = &[
    r("GET", "/admin/setup", Anyone),
    r("POST", "/admin/setup", Anyone),
    r("GET", "/admin/login", Anyone),
    r("POST", "/admin/login", Anyone),
    r("POST", "/admin/logout", Anyone),
    r("GET", "/admin/forgot", Anyone),
    r("POST", "/admin/forgot", Anyone),
    r("GET", "/admin/reset/{token}", Anyone),
    r("POST", "/admin/reset/{token}", Anyone),
    r("GET", "/admin/invite/{token}", Anyone),
    r("POST", "/admin/invite/{token}", Anyone),
    r("GET", "/admin", Staff(Action::ViewToday)),
    r("GET", "/admin/account", Staff(Action::ViewToday)),
    r(
        "POST",
        "/admin/account/sign-out-everywhere",
        Staff(Action::ViewToday),
    ),
    r("GET", "/admin/users", Staff(Action::ManageUsers)),
    r("GET", "/admin/users/invite", Staff(Action::ManageUsers)),
    r("POST", "/admin/users/invite", Staff(Action::ManageUsers)),
    r("GET", "/admin/users/{id}", Staff(Action::ManageUsers)),
    r("POST", "/admin/users/{id}/role", Staff(Action::ManageUsers)),
    r(
        "GET",
        "/admin/users/{id}/deactivate",
        Staff(Action::ManageUsers),
    ),
    r(
        "POST",
        "/admin/users/{id}/deactivate",
        Staff(Action::ManageUsers),
    ),
    r("GET", "/admin/settings", Staff(Action::ManageSettings)),
    r("POST", "/admin/settings", Staff(Action::ManageSettings)),
    r("GET", "/admin/services", Staff(Action::ManageSettings)),
    r("GET", "/admin/services/new", Staff(Action::ManageSettings)),
    r("POST", "/admin/services/new", Staff(Action::ManageSettings)),
    r("GET", "/admin/services/{id}", Staff(Action::ManageSettings)),
    r(
        "POST",
        "/admin/services/{id}",
        Staff(Action::ManageSettings),
    ),
    r(
        "GET",
        "/admin/services/{id}/archive",
        Staff(Action::ManageSettings),
    ),
    r(
        "POST",
        "/admin/services/{id}/archive",
        Staff(Action::ManageSettings),
    ),
    r("GET", "/admin/staff", Staff(Action::ManageSettings)),
    r("GET", "/admin/staff/new", Staff(Action::ManageSettings)),
    r("POST", "/admin/staff/new", Staff(Action::ManageSettings)),
    r("GET", "/admin/staff/{id}", Staff(Action::ManageSettings)),
    r("POST", "/admin/staff/{id}", Staff(Action::ManageSettings)),
    r(
        "GET",
        "/admin/staff/{id}/archive",
        Staff(Action::ManageSettings),
    ),
    r(
        "POST",
        "/admin/staff/{id}/archive",
        Staff(Action::ManageSettings),
    ),
    r("GET", "/admin/rooms", Staff(Action::ManageSettings)),
    r("GET", "/admin/rooms/new", Staff(Action::ManageSettings)),
    r("POST", "/admin/rooms/new", Staff(Action::ManageSettings)),
    r("GET", "/admin/rooms/{id}", Staff(Action::ManageSettings)),
    r("POST", "/admin/rooms/{id}", Staff(Action::ManageSettings)),
    r(
        "GET",
        "/admin/rooms/{id}/archive",
        Staff(Action::ManageSettings),
    ),
    r(
        "POST",
        "/admin/rooms/{id}/archive",
        Staff(Action::ManageSettings),
    ),
    r("GET", "/admin/devices", Staff(Action::ManageSettings)),
    r("GET", "/admin/devices/new", Staff(Action::ManageSettings)),
    r("POST", "/admin/devices/new", Staff(Action::ManageSettings)),
    r("GET", "/admin/devices/{id}", Staff(Action::ManageSettings)),
    r("POST", "/admin/devices/{id}", Staff(Action::ManageSettings)),
    r(
        "GET",
        "/admin/devices/{id}/archive",
        Staff(Action::ManageSettings),
    ),
    r(
        "POST",
        "/admin/devices/{id}/archive",
        Staff(Action::ManageSettings),
    ),
];

/// The table entry for a request (HEAD is a GET).
pub fn find(method: &Method, path: &str) -> Option<&'static AdminRoute> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// The guard in front of every admin handler: finds the route in [`ROUTES`], loads the
/// session, and lets the request through, redirects it to sign-in, or answers 403.
pub async fn guard(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let pattern = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let Some(route) = find(req.method(), &pattern) else {
        return PageError::internal(format!(
            "admin route {} {pattern} is missing from the permission table",
            req.method()
        ))
        .into_response();
    };
    let https = app.config.is_https();
    let cookie = session::read_cookie(req.headers(), https);
    let user = match &cookie {
        Some(raw) => match app
            .store
            .session_user(raw, app.clock.now().as_millisecond())
            .await
        {
            Ok(u) => u,
            Err(e) => return PageError::from(e).into_response(),
        },
        None => None,
    };
    match (route.access, user) {
        (Anyone, user) => {
            if let Some(u) = user {
                req.extensions_mut().insert(SignedIn(u));
            }
            next.run(req).await
        }
        (Staff(_), None) => {
            let mut res = medspa_web::forms::see_other("/admin/login");
            if cookie.is_some()
                && let Ok(v) = HeaderValue::from_str(&session::clear_cookie(https))
            {
                // A dead session's cookie goes, so the next sign-in starts clean.
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        (Staff(action), Some(u)) if can(u.role, action) => {
            req.extensions_mut().insert(SignedIn(u));
            next.run(req).await
        }
        (Staff(_), Some(u)) => views::forbidden(&app, &u),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_listed_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {} twice",
                    a.method,
                    a.path
                );
            }
        }
    }

    #[test]
    fn head_is_a_get() {
        assert!(find(&Method::HEAD, "/admin/users").is_some());
        assert!(find(&Method::DELETE, "/admin/users").is_none());
    }
}
