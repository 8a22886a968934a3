//! Editable pages and what every public page shares: landmarks, one `<h1>`, skip link,
//! canonical and Open Graph tags, no inline style, security headers; plus helpers the other
//! `site_*` modules use.

use crate::app_test;
use crate::common;

use common::TestApp;
use reqwest::StatusCode;

/// GETs `path`, asserts 200 HTML, returns the body.
pub async fn page(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(ct.starts_with("text/html"), "{path}: {ct}");
    res.text().await.unwrap()
}

/// Every JSON-LD block of a page, parsed.
pub fn json_ld(body: &str) -> Vec<serde_json::Value> {
    body.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| {
            let raw = rest.split("</script>").next().unwrap();
            assert!(!raw.contains('<'), "`<` must be escaped in JSON-LD");
            serde_json::from_str(raw).expect("JSON-LD parses")
        })
        .collect()
}

/// The value of `name="..." value="..."` style attribute following `marker`.
pub fn attr_after<'a>(body: &'a str, marker: &str, attr: &str) -> Option<&'a str> {
    let rest = &body[body.find(marker)? + marker.len()..];
    let key = format!("{attr}=\"");
    let start = rest.find(&key)? + key.len();
    Some(&rest[start..start + rest[start..].find('"')?])
}

const PAGES: &[&str] = &[
    "/",
    "/treatments",
    "/treatments/halo",
    "/blog",
    "/blog/pores-and-the-halo-laser",
    "/contact",
    "/contact/sent",
    "/accessibility",
    "/health-and-safety",
];

async fn every_public_page_shares_the_frame(app: TestApp) {
    for path in PAGES {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(!csp.contains("unsafe-inline"), "{path}");
        let body = res.text().await.unwrap();
        assert!(body.contains("<html lang=\"en\">"), "{path}");
        assert!(body.contains("<a class=\"skip-link\" href=\"#main\">Skip to main content</a>"));
        assert!(
            body.contains("<main id=\"main\" tabindex=\"-1\">"),
            "{path}"
        );
        assert!(
            body.contains("<nav class=\"site-nav\" aria-label=\"Main\">"),
            "{path}"
        );
        assert!(body.contains("<footer class=\"site-footer\">"), "{path}");
        assert_eq!(body.matches("<h1").count(), 1, "{path}: exactly one h1");
        assert!(!body.contains(" style="), "{path}: no inline style");
        assert!(!body.contains("<script>"), "{path}: no inline script");
        assert!(body.contains("rel=\"canonical\" href=\"http://"), "{path}");
        assert!(body.contains("property=\"og:title\""), "{path}");
        assert!(
            body.contains("+1 312 555 0142"),
            "{path}: the clinic's phone"
        );
        assert!(
            body.contains("2150 W Larkspur Avenue"),
            "{path}: the address"
        );
        for block in json_ld(&body) {
            assert_eq!(block["@context"], "https://schema.org", "{path}");
        }
    }
}

async fn accessibility_statement_from_the_database(app: TestApp) {
    let body = page(&app, "/accessibility").await;
    assert!(body.contains("<h1>Accessibility</h1>"));
    assert!(body.contains("WCAG"), "{body}");
    assert!(body.contains("Ask for help"));
    assert!(body.contains("Last updated November 25, 2026"));
    let body = page(&app, "/health-and-safety").await;
    assert!(body.contains("<h1>Health and safety</h1>"));
    assert!(body.contains("Infection control"));
}

async fn pages_fall_back_to_built_in_text(app: TestApp) {
    app.db
        .raw_execute("DELETE FROM pages", &[], &[])
        .await
        .unwrap();
    let body = page(&app, "/accessibility").await;
    assert!(body.contains("<h1>Accessibility</h1>"));
    assert!(
        body.contains("href=\"tel:+13125550142\""),
        "the clinic's own number"
    );
    assert!(!body.contains("Last updated"));
    let body = page(&app, "/health-and-safety").await;
    assert!(body.contains("<h1>Health and safety</h1>"));
}

async fn home_page_describes_the_business(app: TestApp) {
    let body = page(&app, "/").await;
    assert!(body.contains("<h1>Willowbrook Skin Studio</h1>"));
    assert!(body.contains("href=\"/book\""));
    assert!(body.contains("Book your complimentary consultation"));
    assert!(
        body.contains("Enlarged pores and the Halo laser"),
        "latest posts"
    );
    assert!(
        body.len() < 30 * 1024,
        "home page HTML is {} bytes",
        body.len()
    );
    let ld = json_ld(&body);
    let biz = ld
        .iter()
        .find(|v| v["@type"] == "MedicalBusiness")
        .expect("MedicalBusiness");
    assert_eq!(biz["name"], "Willowbrook Skin Studio");
    assert_eq!(biz["telephone"], "+1 312 555 0142");
    assert_eq!(biz["address"]["@type"], "PostalAddress");
    assert_eq!(biz["address"]["addressLocality"], "Chicago");
    assert!(
        biz["openingHours"]
            .as_array()
            .is_some_and(|h| !h.is_empty())
    );
}

app_test!(
    every_public_page_shares_the_frame,
    accessibility_statement_from_the_database,
    pages_fall_back_to_built_in_text,
    home_page_describes_the_business
);
