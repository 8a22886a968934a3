//! First run over HTTP: before setup the public site says it is not set up and the API answers
//! 503 `not_set_up`; `/admin/setup` refuses a wrong token and bad fields (422, nothing
//! written), then creates the clinic, signs the owner in and lands on the checklist; the
//! token dies and the page is a 404 from then on.

use crate::admin_test;
use crate::common::{PASSWORD, SETUP_TOKEN, TestApp, location};

admin_test!(empty: setup_creates_the_clinic_once_and_signs_the_owner_in);

fn fields<'a>(token: &'a str, timezone: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("token", token),
        ("clinic_name", "Lakeview Skin Studio"),
        ("clinic_phone", "+1 312 555 0142"),
        ("clinic_email", "hello@lakeview.example"),
        ("street", "41 Harbor Lane"),
        ("city", "Lakeview"),
        ("region", "IL"),
        ("postal_code", "60999"),
        ("country", "United States"),
        ("timezone", timezone),
        ("currency", "USD"),
        ("mon_open", "09:00"),
        ("mon_close", "17:00"),
        ("tue_open", "09:00"),
        ("tue_close", "17:00"),
        ("sat_open", "10:00"),
        ("sat_close", "14:00"),
        ("name", "Rosa Linden"),
        ("email", "rosa@lakeview.example"),
        ("password", password),
    ]
}

async fn setup_creates_the_clinic_once_and_signs_the_owner_in(app: TestApp) {
    let b = app.browser();
    assert_eq!(b.get("/healthz").await.status(), 200);
    let home = b.get("/").await;
    assert_eq!(home.status(), 503);
    assert!(home.text().await.unwrap().contains("not set up yet"));
    let api = b.get("/api/v1/services").await;
    assert_eq!(api.status(), 503);
    assert!(api.text().await.unwrap().contains("not_set_up"));
    assert_eq!(location(&b.get("/admin").await), "/admin/login");

    let page = b.get("/admin/setup").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for label in [
        ">Setup token",
        ">Clinic name",
        ">Time zone",
        ">Your name",
        ">Email",
        ">Password",
        ">Create clinic</button>",
        "America/Chicago",
    ] {
        assert!(html.contains(label), "{label}");
    }
    assert!(!html.contains("style=") && !html.contains("<script>"));

    // A wrong token: refused at the field, nothing written.
    let res = b
        .submit(
            "/admin/setup",
            "/admin/setup",
            &fields("not-the-token", "America/Chicago", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains(r##"href="#token""##));
    assert!(html.contains("Lakeview Skin Studio"), "input kept");
    assert!(!html.contains(PASSWORD), "the password is never echoed");
    // Bad fields: each named.
    let mut bad = fields(SETUP_TOKEN, "Mars/Olympus", "password1234");
    bad.push(("wed_open", "18:00"));
    bad.push(("wed_close", "09:00"));
    let res = b.submit("/admin/setup", "/admin/setup", &bad).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    for f in ["#timezone", "#password", "#wed_close"] {
        assert!(html.contains(&format!(r#"href="{f}""#)), "{f}");
    }
    assert!(html.contains(r#"id="timezone" name="timezone" required aria-invalid="true""#));
    assert!(!app.store.has_clinic().await.unwrap());
    assert!(
        app.store.setup_token_matches(SETUP_TOKEN).await.unwrap(),
        "token still alive"
    );

    let res = b
        .submit(
            "/admin/setup",
            "/admin/setup",
            &fields(SETUP_TOKEN, "America/Chicago", PASSWORD),
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin?m=welcome");
    let today = b.get("/admin").await;
    assert_eq!(today.status(), 200, "signed in as the owner");
    let html = today.text().await.unwrap();
    for step in [
        "Add your services",
        "Add staff",
        "Add rooms and devices",
        "Publish",
    ] {
        assert!(html.contains(step), "{step}");
    }
    assert!(html.contains("Rosa Linden (Owner)"));

    // The clinic is live for the public site without a restart.
    let home = b.get("/").await;
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("Lakeview Skin Studio"));
    let clinic = app.store.load_clinic().await.unwrap().unwrap();
    assert_eq!(clinic.locations[0].zone.name(), "America/Chicago");
    assert_eq!(
        clinic.locations[0]
            .hours
            .for_weekday(jiff::civil::Weekday::Saturday)
            .len(),
        1
    );
    assert!(
        clinic.locations[0]
            .hours
            .for_weekday(jiff::civil::Weekday::Sunday)
            .is_empty()
    );
    assert_eq!(
        app.store
            .setting("clinic.currency")
            .await
            .unwrap()
            .as_deref(),
        Some("USD")
    );

    // Once only: the page is gone and the token dead.
    assert_eq!(b.get("/admin/setup").await.status(), 404);
    let other = app.browser();
    let token = other.csrf("/admin/login").await;
    let again = other
        .post_with(
            "/admin/setup",
            &token,
            &fields(SETUP_TOKEN, "America/Chicago", PASSWORD)[1..],
        )
        .await;
    assert_eq!(again.status(), 404);
    assert!(!app.store.setup_token_matches(SETUP_TOKEN).await.unwrap());
    let audit = app.store.audit_entries(None, 10).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|r| r.action == "clinic.setup" && r.ip.is_some())
    );
}
