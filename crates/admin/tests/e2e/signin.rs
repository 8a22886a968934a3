//! Signing in and out: the form, CSRF and Origin refusals (which never count toward the
//! lockout), the lockout itself, idle and absolute session expiry on the test's clock, sign
//! out and sign out everywhere, and the session cookie's flags.

use crate::admin_test;
use crate::common::{PASSWORD, TestApp, location};
use medspa_core::access::Role;

admin_test!(clinic:
    sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session,
    wrong_password_is_one_message_for_both_fields,
    csrf_and_origin_refusals_do_not_count_toward_the_lockout,
    five_failures_lock_the_account_for_fifteen_minutes,
    sessions_end_after_thirty_idle_minutes_and_twelve_hours,
    sign_out_everywhere_ends_every_session,
);

async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session(app: TestApp) {
    app.user(Role::Owner, "owner@clinic.example").await;
    let b = app.browser();
    let page = b.get("/admin/login").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for label in [">Email", ">Password", ">Sign in</button>"] {
        assert!(html.contains(label), "{label}");
    }
    assert!(!html.contains("style=") && !html.contains("<script>"));
    let res = b.sign_in("OWNER@clinic.example ", PASSWORD).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("medspa_session="))
        .expect("session cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "http base URL: {cookie}");
    assert_eq!(b.get("/admin").await.status(), 200);
    // Signed in, the login page sends you on.
    assert_eq!(location(&b.get("/admin/login").await), "/admin");
    let token = b.csrf("/admin").await;
    let out = b.post_with("/admin/logout", &token, &[]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(location(&out), "/admin/login?m=signed_out");
    assert_eq!(location(&b.get("/admin").await), "/admin/login");
    // The audit log has the sign-in with the request's id and IP.
    let rows = app.store.audit_entries(None, 20).await.unwrap();
    let sign_in = rows.iter().find(|r| r.action == "user.sign_in").unwrap();
    assert_eq!(sign_in.ip.as_deref(), Some("127.0.0.1"));
    assert!(sign_in.request_id.as_deref().is_some_and(|r| r.len() > 10));
}

async fn wrong_password_is_one_message_for_both_fields(app: TestApp) {
    app.user(Role::Owner, "owner@clinic.example").await;
    let b = app.browser();
    for (email, password) in [
        ("owner@clinic.example", "not the password at all"),
        ("nobody@clinic.example", PASSWORD),
    ] {
        let res = b.sign_in(email, password).await;
        assert_eq!(res.status(), 422);
        let html = res.text().await.unwrap();
        assert!(html.contains("The email or password is not right"));
        assert!(html.contains(r#"aria-invalid="true""#));
        assert!(
            html.contains(r##"href="#email""##),
            "error summary links to the field"
        );
        assert!(!html.contains(password), "the password is never echoed");
    }
    let res = b.sign_in("", "").await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("Enter your email address") && html.contains("Enter your password"));
}

async fn csrf_and_origin_refusals_do_not_count_toward_the_lockout(app: TestApp) {
    app.user(Role::Owner, "owner@clinic.example").await;
    let b = app.browser();
    let token = b.csrf("/admin/login").await;
    for _ in 0..6 {
        let foreign = b
            .http
            .post(b.url("/admin/login"))
            .header("Origin", "https://evil.example")
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", "owner@clinic.example"),
                ("password", "wrong wrong wrong"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), 403, "foreign Origin");
        let tokenless = b
            .http
            .post(b.url("/admin/login"))
            .form(&[
                ("email", "owner@clinic.example"),
                ("password", "wrong wrong wrong"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(tokenless.status(), 403, "no CSRF token");
        let forged = b
            .post_with(
                "/admin/login",
                "Zm9yZ2VkLXRva2VuLWZvcmdlZC10b2tlbi1mb3JnZWQtdG9rZW4",
                &[
                    ("email", "owner@clinic.example"),
                    ("password", "wrong wrong wrong"),
                ],
            )
            .await;
        assert_eq!(forged.status(), 403, "forged token");
    }
    let res = b.sign_in("owner@clinic.example", PASSWORD).await;
    assert_eq!(
        res.status(),
        303,
        "12 refused forms and 6 forged ones did not lock the account"
    );
}

async fn five_failures_lock_the_account_for_fifteen_minutes(app: TestApp) {
    app.user(Role::Owner, "owner@clinic.example").await;
    app.user(Role::FrontDesk, "desk@clinic.example").await;
    let b = app.browser();
    for i in 0..5 {
        if i > 0 {
            app.advance_minutes(1);
        }
        let res = b
            .sign_in("owner@clinic.example", "wrong password here")
            .await;
        assert_eq!(res.status(), 422, "attempt {i}");
    }
    // The sixth attempt, from another browser, with the right password: locked.
    let other = app.browser();
    let res = other.sign_in("Owner@Clinic.example", PASSWORD).await;
    assert_eq!(res.status(), 429);
    let retry: i64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((14 * 60..=15 * 60).contains(&retry), "{retry}");
    let html = res.text().await.unwrap();
    assert!(html.contains("Too many failed attempts"));
    // Another account is not affected.
    assert_eq!(
        other
            .sign_in("desk@clinic.example", PASSWORD)
            .await
            .status(),
        303
    );
    app.advance_minutes(14);
    assert_eq!(
        b.sign_in("owner@clinic.example", PASSWORD).await.status(),
        429,
        "still locked"
    );
    app.advance_minutes(1);
    assert_eq!(
        b.sign_in("owner@clinic.example", PASSWORD).await.status(),
        303,
        "lock over"
    );
    // Failures before the lock do not linger: four more do not lock again.
    let c = app.browser();
    for _ in 0..4 {
        assert_eq!(
            c.sign_in("owner@clinic.example", "wrong again here")
                .await
                .status(),
            422
        );
    }
    assert_eq!(
        c.sign_in("owner@clinic.example", PASSWORD).await.status(),
        303
    );
}

async fn sessions_end_after_thirty_idle_minutes_and_twelve_hours(app: TestApp) {
    let owner = app.user(Role::Owner, "owner@clinic.example").await;
    let b = app.session_for(owner).await;
    app.advance_minutes(29);
    assert_eq!(b.get("/admin").await.status(), 200, "29 idle minutes");
    app.advance_minutes(29);
    assert_eq!(
        b.get("/admin").await.status(),
        200,
        "the last request reset the idle timer"
    );
    app.advance_minutes(31);
    let res = b.get("/admin").await;
    assert_eq!(res.status(), 303, "31 idle minutes");
    assert_eq!(location(&res), "/admin/login");
    assert!(
        res.headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().contains("medspa_session=; ")),
        "the dead cookie is cleared"
    );

    // Busy all day: still ends 12 hours after sign-in.
    let b = app.session_for(owner).await;
    for _ in 0..28 {
        app.advance_minutes(25);
        assert_eq!(b.get("/admin").await.status(), 200);
    }
    app.advance_minutes(25); // 29 x 25 min = 12 h 5 min
    assert_eq!(
        location(&b.get("/admin").await),
        "/admin/login",
        "absolute limit"
    );
}

async fn sign_out_everywhere_ends_every_session(app: TestApp) {
    let owner = app.user(Role::Owner, "owner@clinic.example").await;
    let phone = app.session_for(owner).await;
    let desk = app.session_for(owner).await;
    assert_eq!(phone.get("/admin/account").await.status(), 200);
    let res = desk
        .submit("/admin/account", "/admin/account/sign-out-everywhere", &[])
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/login?m=everywhere");
    assert_eq!(location(&phone.get("/admin").await), "/admin/login");
    assert_eq!(location(&desk.get("/admin").await), "/admin/login");
    assert_eq!(
        app.store
            .session_count(owner, crate::common::NowMs::now_ms(&*app.clock))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sign_in_posts_are_rate_limited_but_signed_in_work_is_not() {
    let app = crate::common::spawn_with(medspa_testkit::Kind::Sqlite, true, |c| {
        c.rate_limit_per_minute = 3;
    })
    .await
    .unwrap();
    let owner = app.user(Role::Owner, "owner@clinic.example").await;
    let b = app.browser();
    let token = b.csrf("/admin/login").await;
    for _ in 0..3 {
        let res = b
            .post_with(
                "/admin/login",
                &token,
                &[("email", "x@clinic.example"), ("password", "")],
            )
            .await;
        assert_eq!(res.status(), 422);
    }
    let res = b
        .post_with(
            "/admin/login",
            &token,
            &[("email", "owner@clinic.example"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    // The same client, signed in, is not held back by the public budget.
    let signed_in = app.session_for(owner).await;
    for _ in 0..4 {
        let res = signed_in
            .submit(
                "/admin/users/invite",
                "/admin/users/invite",
                &[("name", "")],
            )
            .await;
        assert_eq!(res.status(), 422);
    }
}
