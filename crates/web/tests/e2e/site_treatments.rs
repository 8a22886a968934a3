//! Treatment pages through the real HTTP server: the list, each service's page with protocol
//! preview and booking links, JSON-LD, 404s, and no database use per request.

use crate::app_test;
use crate::common;
use crate::site_pages::{json_ld, page};

use common::TestApp;
use reqwest::StatusCode;

async fn treatments_list_every_service(app: TestApp) {
    let body = page(&app, "/treatments").await;
    assert!(body.contains("<h1>Treatments</h1>"), "{body}");
    for s in &app.state.clinic().services {
        assert!(
            body.contains(&format!("href=\"/treatments/{}\"", s.slug)),
            "{}",
            s.slug
        );
        assert!(body.contains(&s.name.replace('\'', "&#x27;")), "{}", s.name);
    }
    assert!(body.contains("$1,250"), "Halo's price");
    assert!(body.contains("Complimentary"), "the free consultation");
    assert!(body.contains("<h2 id=\"consultations\">Consultations</h2>"));
}

async fn halo_page_explains_the_treatment(app: TestApp) {
    let body = page(&app, "/treatments/halo").await;
    for needle in [
        "<h1>Halo hybrid fractional laser</h1>",
        "<h2 id=\"what-it-is\">What it is</h2>",
        "<strong>45 minutes of numbing cream</strong>",
        "<h2 id=\"who-it-suits\">Who it suits</h2>",
        "1 h 45 min",
        "$1,250",
        "4–7 days",
        "Usually 2 sessions, 4–8 weeks apart",
        "<h2 id=\"before\">Before your treatment</h2>",
        "2 weeks before",
        "Stop retinoids",
        "<h2 id=\"after\">After your treatment</h2>",
        "When to call us",
        "Does it hurt?",
        "href=\"/book/consultation?service=halo\"",
        "Book your complimentary consultation",
        "Are you pregnant or breastfeeding?",
    ] {
        assert!(body.contains(needle), "missing {needle:?}");
    }
    // Day offsets, not calendar dates, in the preview.
    assert!(
        body.contains(">Day ") || body.contains(">Treatment day"),
        "day labels"
    );
    assert!(
        !body.contains("Continue through 20"),
        "no dates in the preview"
    );
    assert!(!body.contains("2030-"), "no hypothetical dates leak");
    // Structured data: a Service with an Offer in dollars.
    let ld = json_ld(&body);
    let service = ld
        .iter()
        .find(|v| v["@type"] == "Service")
        .expect("Service JSON-LD");
    assert_eq!(service["name"], "Halo hybrid fractional laser");
    assert_eq!(service["offers"]["@type"], "Offer");
    assert_eq!(service["offers"]["price"], "1250.00");
    assert_eq!(service["offers"]["priceCurrency"], "USD");
    assert_eq!(service["provider"]["@type"], "MedicalBusiness");
    assert!(body.contains(&format!(
        "<link rel=\"canonical\" href=\"{}/treatments/halo\">",
        app.base
    )));
}

async fn bookable_treatments_offer_book_now(app: TestApp) {
    let clinic = app.state.clinic();
    let bookable = clinic
        .services
        .iter()
        .find(|s| !s.is_consultation() && !s.consultation_required)
        .expect("a directly bookable treatment");
    let body = page(&app, &format!("/treatments/{}", bookable.slug)).await;
    assert!(body.contains(&format!("href=\"/book?service={}\"", bookable.slug)));
    assert!(body.contains(">Book now</a>"));
    let consult = page(&app, "/treatments/consultation").await;
    assert!(consult.contains("Complimentary"));
    assert!(consult.contains("href=\"/book/consultation\""));
    assert!(!consult.contains("/book?service=consultation"));
}

async fn unknown_treatment_is_a_404_page(app: TestApp) {
    let res = app.get("/treatments/no-such-thing").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Page not found"));
}

async fn treatment_pages_need_no_database(app: TestApp) {
    // Everything on these pages is in the clinic snapshot: with the database gone they still
    // render, the first time and from the cache.
    app.state.store.close().await;
    for path in ["/treatments", "/treatments/halo", "/treatments/halo", "/"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
}

app_test!(
    treatments_list_every_service,
    halo_page_explains_the_treatment,
    bookable_treatments_offer_book_now,
    unknown_treatment_is_a_404_page,
    treatment_pages_need_no_database
);
