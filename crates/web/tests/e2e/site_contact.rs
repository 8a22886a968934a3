//! The contact form through the real HTTP server: labels, success with POST-redirect-GET,
//! errors next to fields with the input kept (422), honeypot, CSRF, Origin, rate limit.

use crate::common;
use crate::site_pages::{attr_after, page};

use common::TestApp;
use medspa_testkit::Kind;
use reqwest::StatusCode;

/// The contact page's CSRF token (the client keeps the cookie).
pub async fn form_token(app: &TestApp, path: &str) -> String {
    let body = page(app, path).await;
    attr_after(&body, "name=\"csrf_token\"", "value")
        .expect("a csrf_token field")
        .to_owned()
}

fn valid(token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf_token", token.to_owned()),
        ("name", "Ana Ruiz".into()),
        ("email", "ana@example.com".into()),
        ("phone", String::new()),
        ("message", "Do you offer evening appointments?".into()),
        ("website", String::new()),
    ]
}

async fn post(app: &TestApp, form: &[(&str, String)]) -> reqwest::Response {
    app.http
        .post(app.url("/contact"))
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn count(app: &TestApp) -> u64 {
    app.state.store.count_contact_messages().await.unwrap()
}

async fn contact_page_has_labelled_fields(app: TestApp) {
    let res = app.get("/contact").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("medspa_csrf=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert!(cookie.contains("SameSite=Lax"));
    let body = res.text().await.unwrap();
    assert!(body.contains("<h1>Contact us</h1>"));
    assert!(body.contains("<label for=\"name\">Name</label>"));
    assert!(body.contains("<label for=\"email\">Email</label>"));
    assert!(
        body.contains(
            "<label for=\"phone\">Phone <span class=\"optional\">(optional)</span></label>"
        )
    );
    assert!(body.contains("<label for=\"message\">Your message</label>"));
    assert!(body.contains("autocomplete=\"email\""));
    assert!(body.contains("<input type=\"hidden\" name=\"csrf_token\" value=\""));
    assert!(body.contains("<button class=\"button\" type=\"submit\">Send message</button>"));
    // Pages without forms set no cookie.
    let res = app.get("/treatments").await;
    assert!(!res.headers().contains_key("set-cookie"));
}

async fn message_is_stored_and_redirected(app: TestApp) {
    let token = form_token(&app, "/contact").await;
    let mut form = valid(&token);
    form[3].1 = "+1 312 555 0100".into();
    let res = post(&app, &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/contact/sent");
    let body = page(&app, "/contact/sent").await;
    assert!(body.contains("your message has been sent"), "{body}");
    let stored = app.state.store.contact_messages(10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].name, "Ana Ruiz");
    assert_eq!(stored[0].email, "ana@example.com");
    assert_eq!(stored[0].phone.as_deref(), Some("+1 312 555 0100"));
    assert_eq!(stored[0].message, "Do you offer evening appointments?");
    // The clinic hears that a message is waiting, and nothing of what it says.
    let mails = app
        .mail
        .wait_for(1, std::time::Duration::from_secs(10))
        .await;
    assert_eq!(mails[0].header("To").unwrap(), "hello@willowbrook.example");
    let all = mails[0].everything();
    assert!(all.contains("waiting in the back office"), "{all}");
    for private in ["evening appointments", "Ana", "ana@example.com", "555 0100"] {
        assert!(!all.contains(private), "notice leaks {private:?}");
    }
}

async fn invalid_input_comes_back_with_messages(app: TestApp) {
    let token = form_token(&app, "/contact").await;
    let mut form = valid(&token);
    form[2].1 = "not-an-email".into();
    form[3].1 = "12".into();
    form[4].1 = "   ".into();
    let res = post(&app, &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("<title>Error: Contact us"),
        "title says error"
    );
    assert!(body.contains("There are 3 problems"));
    assert!(
        body.contains(
            "<a href=\"#email\">Enter an email address in the format name@example.com</a>"
        )
    );
    assert!(body.contains("<a href=\"#phone\">"));
    assert!(body.contains("<a href=\"#message\">Enter your message</a>"));
    // The message sits next to its field, and the field points at it.
    assert!(body.contains("<p class=\"field-error\" id=\"email-error\">"));
    assert!(body.contains("id=\"email\" name=\"email\" type=\"email\" value=\"not-an-email\""));
    assert!(body.contains("aria-invalid=\"true\" aria-describedby=\"email-hint email-error\""));
    assert!(body.contains("value=\"Ana Ruiz\""), "valid input is kept");
    assert!(body.contains("id=\"name\" name=\"name\" type=\"text\" value=\"Ana Ruiz\" autocomplete=\"name\" required aria-invalid=\"false\">"));
    assert_eq!(count(&app).await, 0);
    // Nothing at all: every required field is named.
    let res = post(&app, &[("csrf_token", token.clone())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = res.text().await.unwrap();
    assert!(body.contains("Enter your name") && body.contains("Enter your email address"));
    assert_eq!(count(&app).await, 0);
}

async fn honeypot_drops_the_message(app: TestApp) {
    let token = form_token(&app, "/contact").await;
    let mut form = valid(&token);
    form[5].1 = "http://spam.example".into();
    let res = post(&app, &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "robots see a success");
    assert_eq!(count(&app).await, 0);
}

async fn csrf_is_required(app: TestApp) {
    let token = form_token(&app, "/contact").await;
    // No token.
    let mut form = valid(&token);
    form.remove(0);
    let res = post(&app, &form).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("This form has expired"));
    // A wrong token.
    let mut form = valid(&token);
    form[0].1 = format!("{}x", &token[..token.len() - 1]);
    assert_eq!(post(&app, &form).await.status(), StatusCode::FORBIDDEN);
    // A valid token without its cookie (another browser).
    let stranger = reqwest::Client::new();
    let res = stranger
        .post(app.url("/contact"))
        .form(&valid(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A token minted for another cookie.
    let other = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let body = other
        .get(app.url("/contact"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let other_token = attr_after(&body, "name=\"csrf_token\"", "value")
        .unwrap()
        .to_owned();
    assert_eq!(
        post(&app, &valid(&other_token)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(count(&app).await, 0);
    // And the real one still works.
    assert_eq!(
        post(&app, &valid(&token)).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(count(&app).await, 1);
}

async fn foreign_origin_is_refused(app: TestApp) {
    let token = form_token(&app, "/contact").await;
    let res = app
        .http
        .post(app.url("/contact"))
        .header("origin", "https://evil.example")
        .form(&valid(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .http
        .post(app.url("/contact"))
        .header("origin", "null")
        .form(&valid(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(&app).await, 0);
    let res = app
        .http
        .post(app.url("/contact"))
        .header("origin", &app.base)
        .form(&valid(&token))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "our own origin is fine"
    );
}

async fn public_posts_are_rate_limited(app: TestApp) {
    // This app allows 3 public POSTs a minute per client.
    let token = form_token(&app, "/contact").await;
    for _ in 0..3 {
        assert_eq!(
            post(&app, &valid(&token)).await.status(),
            StatusCode::SEE_OTHER
        );
    }
    let res = post(&app, &valid(&token)).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(res.text().await.unwrap().contains("Too many attempts"));
    assert_eq!(count(&app).await, 3);
    // The same budget covers the API, answered as a problem.
    let res = app
        .http
        .post(app.url("/api/v1/eligibility"))
        .json(&serde_json::json!({"service": "halo", "screening": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["code"], "rate_limited");
    // Reading pages is never limited.
    assert_eq!(app.get("/contact").await.status(), StatusCode::OK);
}

crate::app_test!(
    contact_page_has_labelled_fields,
    message_is_stored_and_redirected,
    invalid_input_comes_back_with_messages,
    honeypot_drops_the_message,
    csrf_is_required,
    foreign_origin_is_refused
);

mod public_posts_are_rate_limited {
    async fn run(kind: super::Kind) {
        let Some(app) = super::common::spawn_with(kind, |c| c.rate_limit_per_minute = 3).await
        else {
            return;
        };
        super::public_posts_are_rate_limited(app).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        run(super::Kind::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        run(super::Kind::Postgres).await;
    }
}
