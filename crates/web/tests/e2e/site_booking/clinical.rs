//! Clinical safety through the HTML flow (issue 12): every rule of every service answered on
//! the questions page, "book from <date>" for a temporary condition, the downtime filter on
//! the date step, and "Is this right for me?" on the treatment page.

use super::{Client, form, halo_answers};
use crate::common::TestApp;
use medspa_core::protocol::{Condition, RuleOutcome, library};
use reqwest::StatusCode;
use serde_json::Value;

/// The questions form of `slug` with every question answered clear.
async fn clear_form(c: &Client<'_>, slug: &str) -> super::Form {
    let (status, body) = c.get(&format!("/book?service={slug}")).await;
    assert_eq!(status, StatusCode::OK, "{slug}");
    let mut f = form(&body, "/book/screening");
    let detail: Value = c
        .app
        .get(&format!("/api/v1/services/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    for q in detail["screening"].as_array().unwrap() {
        let id = q["id"].as_str().unwrap();
        f = match q["kind"].as_str().unwrap() {
            "yes_no" => f.with(&format!("screening.{id}"), "no"),
            "choice" => f.with(&format!("screening.{id}"), "II"),
            _ => f.with(&format!("screening.{id}.never"), "yes"),
        };
    }
    f
}

pub async fn every_rule_through_the_html_flow(app: TestApp) {
    let c = Client { app: &app };
    for slug in library::SLUGS {
        let p = library::for_service(slug).unwrap();
        if p.screening.is_empty() {
            continue;
        }
        for rule in &p.rules {
            let q = rule.when.question();
            let field = format!("screening.{q}");
            let f = clear_form(&c, slug).await;
            let f = match &rule.when {
                Condition::Yes { .. } => f.with(&field, "yes"),
                Condition::Choice { any_of, .. } => f.with(&field, &any_of[0]),
                Condition::DateWithin { at_least, .. } => {
                    let (m, d, y) = if at_least.is_some() {
                        ("3", "25", "2026")
                    } else {
                        ("11", "25", "2026")
                    };
                    f.without(&format!("{field}.never"))
                        .with(&format!("{field}.month"), m)
                        .with(&format!("{field}.day"), d)
                        .with(&format!("{field}.year"), y)
                }
            };
            let (status, page, _) = c.submit(&f).await;
            assert_eq!(status, StatusCode::OK, "{}: {page}", rule.id);
            let expected = match rule.outcome {
                RuleOutcome::NotEligible => "online for you right now",
                RuleOutcome::ConsultationRequired => "start with a consultation",
                RuleOutcome::Reschedule => "Not yet: you can book",
                RuleOutcome::Caution => "Choose a date",
            };
            assert!(
                page.contains(expected),
                "{}: expected {expected:?}",
                rule.id
            );
        }
    }
}

pub async fn book_from_a_date_continues_the_booking(app: TestApp) {
    let c = Client { app: &app };
    let (_, body) = c.get("/book?service=halo").await;
    let f =
        halo_answers(form(&body, "/book/screening")).with("screening.recent_tan_or_sunburn", "yes");
    let (status, page, _) = c.submit(&f).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Not yet: you can book Halo"), "{page}");
    assert!(
        page.contains("Book from Wednesday 9 December 2026"),
        "{page}"
    );
    let book_from = form(&page, "/book/date");
    assert!(
        book_from
            .fields
            .contains(&("from".to_owned(), "2026-12-09".to_owned()))
    );
    let (status, dates, _) = c.submit(&book_from).await;
    assert_eq!(status, StatusCode::OK, "{dates}");
    let days = form(&dates, "/book/time").values("button", "date");
    assert!(!days.is_empty());
    assert!(days.iter().all(|d| d.as_str() >= "2026-12-09"), "{days:?}");
}

pub async fn presentable_on_narrows_the_dates(app: TestApp) {
    let c = Client { app: &app };
    let (_, body) = c.get("/book?service=halo").await;
    let (status, dates, _) = c
        .submit(&halo_answers(form(&body, "/book/screening")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(dates.contains("I need to look presentable on"));
    let all = form(&dates, "/book/time").values("button", "date");
    assert!(all.contains(&"2026-12-07".to_owned()), "{all:?}");
    // Presentable on Thursday 10 December: with up to 7 days of downtime, 12-04..12-10 go.
    let filter = form(&dates, "/book/date").with("presentable_on", "2026-12-10");
    let (status, narrowed, _) = c.submit(&filter).await;
    assert_eq!(status, StatusCode::OK, "{narrowed}");
    let days = form(&narrowed, "/book/time").values("button", "date");
    assert!(!days.is_empty());
    for d in &days {
        assert!(
            !("2026-12-04"..="2026-12-10").contains(&d.as_str()),
            "{d} would cover the event"
        );
    }
    assert!(narrowed.contains("Healing time would cover"));
    // Carried on: the next page of dates keeps the filter in its hidden fields.
    assert!(
        form(&narrowed, "/book/time")
            .fields
            .contains(&("presentable_on".to_owned(), "2026-12-10".to_owned()))
    );
    // A bad date: 422 with the message next to the field, nothing else lost.
    let (status, bad, _) = c
        .submit(&form(&dates, "/book/date").with("presentable_on", "10/12"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.contains("id=\"presentable_on-error\""));
    assert!(bad.contains("aria-invalid=\"true\""));
    assert!(bad.contains("href=\"#presentable_on\""));
}

pub async fn treatment_page_says_who_should_start_with_a_consultation(app: TestApp) {
    let res = app.get("/treatments/halo").await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Is this right for me?"));
    assert!(page.contains("booked at least 7 days ahead"));
    let p = library::for_service("halo").unwrap();
    for rule in &p.rules {
        let first_words: String = rule
            .text
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        let found = [
            first_words.clone(),
            first_words.replace('\'', "&#x27;"),
            first_words.replace('\'', "&#39;"),
        ]
        .iter()
        .any(|w| page.contains(w.as_str()));
        assert!(found, "{}: {first_words}", rule.id);
    }
}
