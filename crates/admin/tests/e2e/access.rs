//! Every back-office route x every role against the permission table: anonymous -> 303 to
//! /admin/login, a role the table allows -> the page (never 403, never a redirect to sign-in),
//! any other role -> the 403 page. Routes open to anyone never ask to sign in.

use crate::admin_test;
use crate::common::{Browser, TestApp, location};
use medspa_admin::routes::{Access, ROUTES};
use medspa_core::access::{Role, can};

admin_test!(clinic: every_route_and_role_matches_the_permission_table);

async fn request(app: &TestApp, b: &Browser, method: &str, path: &str) -> reqwest::Response {
    if method == "GET" {
        return b.get(path).await;
    }
    // A valid CSRF token from a page open to anyone, so only the permission guard decides.
    let token = b.csrf("/admin/forgot").await;
    let _ = app;
    b.post_with(path, &token, &[]).await
}

async fn every_route_and_role_matches_the_permission_table(app: TestApp) {
    let target = app.user(Role::Provider, "target@clinic.example").await;
    let garbage_token = "A".repeat(43);
    let mut checked = 0;
    for route in ROUTES {
        let path = route
            .path
            .replace("{id}", &target.to_string())
            .replace("{token}", &garbage_token);
        // Anonymous.
        let res = request(&app, &app.browser(), route.method, &path).await;
        let status = res.status().as_u16();
        match route.access {
            Access::Staff(_) => {
                assert_eq!(status, 303, "anonymous {} {path}", route.method);
                assert_eq!(location(&res), "/admin/login", "{} {path}", route.method);
            }
            Access::Anyone => {
                assert!(
                    status != 403 && location(&res) != "/admin/login" && status < 500,
                    "anonymous {} {path}: {status}",
                    route.method
                );
            }
        }
        // Each role, with a fresh session each time (some routes end sessions).
        for role in Role::ALL {
            let email = format!("{}-{checked}@clinic.example", role.as_str());
            let user = app.user(role, &email).await;
            let b = app.session_for(user).await;
            let res = request(&app, &b, route.method, &path).await;
            let status = res.status().as_u16();
            let allowed = match route.access {
                Access::Anyone => true,
                Access::Staff(action) => can(role, action),
            };
            let what = format!("{role} {} {path}: {status}", route.method);
            assert!(status < 500, "{what}");
            if allowed {
                assert_ne!(status, 403, "{what}");
                assert_ne!(location(&res), "/admin/login", "{what}");
            } else {
                assert_eq!(status, 403, "{what}");
                let body = res.text().await.unwrap();
                assert!(
                    body.contains("You don&#39;t have access")
                        || body.contains("You don't have access"),
                    "{what}: {body}"
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ROUTES.len() * Role::ALL.len());
}
