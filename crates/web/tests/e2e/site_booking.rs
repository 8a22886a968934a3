//! The HTML booking flow through the real server, as a browser without JavaScript would drive
//! it: treatment, questions, date, time, details, "Confirm booking", the confirmation page and
//! email; the consultation preset; refusals and prep windows; a slot taken at the last moment;
//! invalid details; CSRF; the manage page (404s, cancel, reschedule); framing of `/embed/book`;
//! and that no screening answer ever appears in a URL the flow produces.

use crate::api_booking::{booking_body, clear_screening, post};
use crate::app_test;
use crate::common::{self, TestApp};
use medspa_store::clock::Clock;
use medspa_testkit::Kind;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

mod dates;
mod html;
mod manage;

use dates::{
    a_provider_chosen_first_or_late_never_dead_ends,
    a_time_inside_the_cut_off_says_so_before_confirming, later_dates_reach_the_horizon_and_back,
};
use html::{Form, attr, form, tags};
use manage::{
    late_changes_point_to_the_phone, manage_page_cancels_with_confirmation,
    manage_page_reschedules_through_the_steps, next_session_of_a_series_goes_through_the_flow,
    wrong_reference_or_token_is_the_same_404,
};

/// Words that would betray a screening answer in a URL.
const ANSWER_WORDS: &[&str] = &[
    "screening",
    "pregnant",
    "retinoid",
    "isotretinoin",
    "tan_or_sunburn",
    "cold_sore",
    "infection",
    "keloid",
    "melasma",
];

/// Checks every link, form action and redirect a page produced: no answer ever rides in a URL
/// (the query names no question, and no URL carries a `screening.` field).
fn no_answers_in_urls(body: &str, location: Option<&str>) {
    let mut urls: Vec<String> = Vec::new();
    for tag in ["a", "form", "link", "button"] {
        for a in tags(body, tag) {
            for k in ["href", "action", "formaction"] {
                if let Some(v) = attr(&a, k) {
                    urls.push(v.to_owned());
                }
            }
        }
    }
    urls.extend(location.map(str::to_owned));
    for u in urls.iter().filter(|u| !u.starts_with('#')) {
        let lower = u.to_lowercase();
        assert!(
            !lower.contains("screening."),
            "a URL carries an answer: {u}"
        );
        let query = lower.split_once('?').map(|(_, q)| q).unwrap_or_default();
        for w in ANSWER_WORDS {
            assert!(!query.contains(w), "a URL carries {w}: {u}");
        }
    }
}

/// The flow's pages as one client sees them.
struct Client<'a> {
    app: &'a TestApp,
}

impl Client<'_> {
    async fn get(&self, path: &str) -> (StatusCode, String) {
        let res = self.app.get(path).await;
        let status = res.status();
        let body = res.text().await.unwrap();
        no_answers_in_urls(&body, None);
        (status, body)
    }

    /// Submits `form`, following a 303 once; returns the final status, body and the 303's
    /// `Location` if any.
    async fn submit(&self, form: &Form) -> (StatusCode, String, Option<String>) {
        let res = self
            .app
            .http
            .post(self.app.url(&form.action))
            .header("origin", &self.app.base)
            .form(&form.fields)
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::SEE_OTHER {
            let location = res.headers()["location"].to_str().unwrap().to_owned();
            no_answers_in_urls("", Some(&location));
            let (status, body) = self.get(&location).await;
            return (status, body, Some(location));
        }
        let status = res.status();
        let body = res.text().await.unwrap();
        no_answers_in_urls(&body, None);
        (status, body, None)
    }
}

/// The halo questions answered: every yes/no "no", dates empty ("never").
fn halo_answers(f: Form) -> Form {
    let mut f = f;
    for q in [
        "pregnant",
        "recent_tan_or_sunburn",
        "cold_sore_history",
        "active_infection",
        "keloid_history",
        "melasma",
    ] {
        f = f.with(&format!("screening.{q}"), "no");
    }
    f
}

/// From the date page: the first day with free times, its time page, and its first time.
async fn first_time(c: &Client<'_>, date_page: &str, prefix: &str) -> (Form, String, String) {
    let dates = form(date_page, &format!("{prefix}/book/time"));
    let day = dates.values("button", "date")[0].clone();
    let (status, times, _) = c.submit(&dates.clone().with("date", &day)).await;
    assert_eq!(status, StatusCode::OK, "{times}");
    let f = form(&times, &format!("{prefix}/book/details"));
    let slot = f.values("input", "slot")[0].clone();
    (f, slot, times)
}

fn details(f: Form) -> Form {
    f.with("name", "Ana Ruiz")
        .with("email", "ana@example.com")
        .with("phone", "+1 331 555 0100")
        .with("notes", "First time")
        .with("consent", "true")
}

async fn appointments(app: &TestApp) -> usize {
    let clinic = app.state.clinic();
    let loc = clinic.default_location().unwrap().id;
    app.state
        .store
        .appointments_between(loc, 0, i64::MAX)
        .await
        .unwrap()
        .len()
}

/// Walks the Halo flow up to the details page; returns the details form, the chosen slot and
/// the details page.
async fn to_details(c: &Client<'_>) -> (Form, String, String) {
    let (status, body) = c.get("/book?service=halo").await;
    assert_eq!(status, StatusCode::OK);
    let (status, dates, _) = c
        .submit(&halo_answers(form(&body, "/book/screening")))
        .await;
    assert_eq!(status, StatusCode::OK, "{dates}");
    let (times, slot, _) = first_time(c, &dates, "").await;
    let (status, page, _) = c.submit(&times.with("slot", &slot)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    (form(&page, "/book/confirm"), slot, page)
}

async fn halo_booked_without_javascript(app: TestApp) {
    let c = Client { app: &app };
    // Treatment step: a GET form listing the treatments.
    let (status, body) = c.get("/book").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<h1>Book an appointment</h1>"));
    assert!(body.contains("name=\"service\" value=\"halo\""));
    assert!(body.contains("<form method=\"get\" action=\"/book\""));
    // Questions: one fieldset per question, dates as three labelled fields.
    let (status, body) = c.get("/book?service=halo").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<legend>Are you pregnant or breastfeeding?</legend>"));
    assert!(body.contains("<label for=\"screening.retinoid_last_used\">Month</label>"));
    assert!(body.contains("not stored unless you book and agree"));
    assert_eq!(body.matches("<fieldset").count(), 8, "eight questions");
    // Missing answers come back next to their questions.
    let bare = form(&body, "/book/screening");
    let (status, again, _) = c.submit(&bare).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.contains("There are 6 problems"),
        "six yes/no questions"
    );
    assert!(again.contains("id=\"screening.pregnant-error\""));
    // Answered: the date step lists days, each open day a button with its count.
    let (status, dates, _) = c.submit(&halo_answers(bare)).await;
    assert_eq!(status, StatusCode::OK, "{dates}");
    assert!(dates.contains("<h1>Choose a date"));
    assert!(dates.contains("free times</span></button>"));
    assert!(dates.contains("America/Chicago"));
    assert!(dates.contains(">Later dates</button>"));
    // "Change my answers" goes back with the answers kept (by POST, never in the link).
    let back = Form {
        action: "/book/questions".into(),
        ..form(&dates, "/book/time")
    };
    let (status, again, _) = c.submit(&back).await;
    assert_eq!(status, StatusCode::OK);
    assert!(again.contains(
        "id=\"screening.melasma-no\" name=\"screening.melasma\" type=\"radio\" value=\"no\" checked"
    ));
    // A reload of a step's URL starts again rather than failing.
    let res = app.get("/book/time").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/book");
    // Time step: radios named like "Tuesday 1 December, 10:30 AM with Dana Whitfield".
    let (times, slot, times_page) = first_time(&c, &dates, "").await;
    assert!(
        times_page.contains("<legend>Morning</legend>")
            || times_page.contains("<legend>Afternoon</legend>")
    );
    assert!(times_page.contains("Any provider"));
    let label_re = |page: &str| {
        let i = page.find("<label for=\"slot\">").unwrap();
        let rest = &page[i..];
        rest[..rest.find("</label>").unwrap()]
            .replace("<span class=\"visually-hidden\">", "")
            .replace("</span>", "")
    };
    let label = label_re(&times_page);
    assert!(
        label.contains("day ") && label.contains(", ") && label.contains(" with "),
        "{label}"
    );
    assert!(label.contains("AM") || label.contains("PM"), "{label}");
    // Details: the contract's labels and button.
    let (status, page, _) = c.submit(&times.with("slot", &slot)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("<label for=\"name\">Name</label>"));
    assert!(page.contains("<label for=\"email\">Email</label>"));
    assert!(page.contains("<label for=\"phone\">Phone</label>"));
    assert!(page.contains("<label for=\"consent\">I agree"));
    assert!(page.contains("<button class=\"button\" type=\"submit\">Confirm booking</button>"));
    assert!(page.contains("Halo hybrid fractional laser"));
    let (status, confirmed, location) = c.submit(&details(form(&page, "/book/confirm"))).await;
    assert_eq!(status, StatusCode::OK, "{confirmed}");
    let location = location.expect("a 303 to the confirmation page");
    assert!(location.starts_with("/bookings/") && location.contains("/confirmed?token="));
    let reference = location
        .trim_start_matches("/bookings/")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let token = location.split("token=").nth(1).unwrap().to_owned();
    let h1 = &confirmed[confirmed.find("<h1>").unwrap()..confirmed.find("</h1>").unwrap()];
    assert!(h1.contains("confirmed"), "{h1}");
    assert!(confirmed.contains(&reference));
    assert!(confirmed.contains("Your care plan"));
    assert!(
        confirmed.contains("Before your appointment")
            && confirmed.contains("After your appointment")
    );
    assert!(confirmed.contains(&format!(
        "href=\"/api/v1/bookings/{reference}/calendar.ics?token={token}\""
    )));
    assert!(confirmed.contains("Add to calendar"));
    assert!(confirmed.contains(&format!("href=\"/bookings/{reference}?token={token}\"")));
    assert!(confirmed.contains("Your next session"), "Halo is a series");
    // The booking is the chosen slot, with its answers stored.
    let api: Value = app
        .get(&format!("/api/v1/bookings/{reference}?token={token}"))
        .await
        .json()
        .await
        .unwrap();
    let (start, staff) = slot.split_once('|').unwrap();
    assert_eq!(api["start"], start);
    assert_eq!(api["staff"]["id"], staff);
    assert_eq!(api["status"], "confirmed");
    // The confirmation email arrives.
    let mails = app.mail.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails[0].header("To").unwrap(), "ana@example.com");
    assert!(mails[0].text().unwrap().contains(&reference));
    // The calendar link works.
    let ics = app
        .get(&format!(
            "/api/v1/bookings/{reference}/calendar.ics?token={token}"
        ))
        .await;
    assert_eq!(ics.status(), StatusCode::OK);
}

async fn double_submit_books_once(app: TestApp) {
    let c = Client { app: &app };
    let (f, _, _) = to_details(&c).await;
    let f = details(f);
    let (s1, _, l1) = c.submit(&f).await;
    let (s2, _, l2) = c.submit(&f).await;
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
    assert_eq!(l1, l2, "the same booking twice");
    assert_eq!(appointments(&app).await, 1);
}

async fn consultation_is_preset(app: TestApp) {
    let c = Client { app: &app };
    let (status, dates) = c.get("/book/consultation?service=halo").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        dates.contains("<h1>Choose a date"),
        "no questions for the consultation"
    );
    assert!(dates.contains("Complimentary skin consultation"));
    let (times, slot, _) = first_time(&c, &dates, "").await;
    let (status, page, _) = c.submit(&times.with("slot", &slot)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("I&#39;d like to talk about: Halo")
            || page.contains("I'd like to talk about: Halo")
    );
    let f = form(&page, "/book/confirm")
        .with("name", "Ana Ruiz")
        .with("email", "ana@example.com")
        .with("phone", "+1 331 555 0100")
        .with("consent", "true");
    let (status, confirmed, _) = c.submit(&f).await;
    assert_eq!(status, StatusCode::OK);
    assert!(confirmed.contains("Your booking is confirmed"));
    assert!(confirmed.contains("Complimentary skin consultation"));
}

async fn pregnancy_is_refused_with_the_consultation_link(app: TestApp) {
    let c = Client { app: &app };
    let (_, body) = c.get("/book?service=halo").await;
    let f = halo_answers(form(&body, "/book/screening")).with("screening.pregnant", "yes");
    let (status, page, _) = c.submit(&f).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("We can&#39;t book") || page.contains("We can't book"),
        "{page}"
    );
    assert!(page.contains("not offered during pregnancy"));
    assert!(page.contains(
        "<a class=\"button\" href=\"/book/consultation?service=halo\">Book your complimentary consultation</a>"
    ));
    // Going on regardless books nothing.
    let f = form(&page, "/book/questions").with("start", "2026-12-01T10:00:00-06:00");
    let (status, _, _) = c
        .submit(&Form {
            action: "/book/confirm".into(),
            ..details(f)
        })
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(appointments(&app).await, 0);
}

async fn prep_window_moves_the_dates(app: TestApp) {
    let c = Client { app: &app };
    let (_, body) = c.get("/book?service=halo").await;
    // Retinoid 3 days ago (2026-11-22): 14 days -> first date 2026-12-06.
    let f = halo_answers(form(&body, "/book/screening"))
        .with("screening.retinoid_last_used.month", "11")
        .with("screening.retinoid_last_used.day", "22")
        .with("screening.retinoid_last_used.year", "2026");
    let (status, dates, _) = c.submit(&f).await;
    assert_eq!(status, StatusCode::OK, "{dates}");
    assert!(dates.contains("The first date we can offer is Sunday 6 December 2026"));
    assert!(dates.contains("Retinoids"));
    let days = form(&dates, "/book/time").values("button", "date");
    assert!(!days.is_empty());
    assert!(days.iter().all(|d| d.as_str() >= "2026-12-06"), "{days:?}");
    // "Earlier dates" can't go before the window either.
    assert!(!dates.contains(">Earlier dates<"));
    let f = Form {
        action: "/book/date".into(),
        ..form(&dates, "/book/time")
    }
    .with("from", "2026-11-26");
    let (_, again, _) = c.submit(&f).await;
    let days = form(&again, "/book/time").values("button", "date");
    assert!(days.iter().all(|d| d.as_str() >= "2026-12-06"));
}

async fn a_taken_slot_returns_to_the_time_step(app: TestApp) {
    let c = Client { app: &app };
    let (f, slot, _) = to_details(&c).await;
    let (start, staff) = slot.split_once('|').unwrap();
    // Someone else books that exact time with that provider first.
    let mut body = booking_body("halo", start, clear_screening());
    body["staff_id"] = json!(staff);
    body["client"]["email"] = json!("other@example.com");
    assert_eq!(
        post(&app, "/api/v1/bookings", &body).await.status(),
        StatusCode::CREATED
    );
    let (status, page, _) = c.submit(&details(f)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("That time is no longer free"));
    assert!(page.contains("was booked by someone else"));
    assert!(page.contains("Nearest free times"));
    let times = form(&page, "/book/details");
    assert!(times.fields.contains(&("name".into(), "Ana Ruiz".into())));
    assert!(
        times
            .fields
            .contains(&("email".into(), "ana@example.com".into()))
    );
    assert!(
        times
            .fields
            .contains(&("phone".into(), "+1 331 555 0100".into()))
    );
    let other = times
        .values("input", "slot")
        .into_iter()
        .find(|s| s != &slot)
        .unwrap();
    let (status, page, _) = c.submit(&times.with("slot", &other)).await;
    assert_eq!(status, StatusCode::OK, "{other}: {page}");
    assert!(page.contains("value=\"Ana Ruiz\""), "the name is kept");
    assert!(page.contains("value=\"+1 331 555 0100\""));
    let (status, done, _) = c.submit(&form(&page, "/book/confirm")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(done.contains("Your booking is confirmed"));
    assert_eq!(appointments(&app).await, 2);
}

async fn invalid_details_come_back_with_messages(app: TestApp) {
    let c = Client { app: &app };
    let (f, _, _) = to_details(&c).await;
    let f = f
        .with("name", "")
        .with("email", "not-an-email")
        .with("phone", "+1 331 555 0100");
    let (status, page, _) = c.submit(&f).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("<title>Error: "));
    assert!(
        page.contains("There are 3 problems"),
        "name, email, consent"
    );
    assert!(page.contains("<a href=\"#email\">"));
    assert!(page.contains("<a href=\"#consent\">"));
    assert!(page.contains("<p class=\"field-error\" id=\"email-error\">"));
    assert!(page.contains("id=\"email\" name=\"email\" type=\"email\" value=\"not-an-email\""));
    assert!(
        page.contains("value=\"+1 331 555 0100\""),
        "valid input is kept"
    );
    assert_eq!(appointments(&app).await, 0);
}

async fn csrf_is_required(app: TestApp) {
    let c = Client { app: &app };
    let (f, _, _) = to_details(&c).await;
    let mut f = details(f);
    f.fields.retain(|(k, _)| k != "csrf_token");
    let (status, page, _) = c.submit(&f).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("This form has expired"));
    // A foreign Origin is refused too, even with the token.
    let (f, _, _) = to_details(&c).await;
    let res = app
        .http
        .post(app.url("/book/confirm"))
        .header("origin", "https://evil.example")
        .form(&details(f).fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(appointments(&app).await, 0);
}

async fn quiz_context_is_kept_and_prefills_on_request(app: TestApp) {
    use medspa_core::quiz::QuizAnswers;
    let mut raw = serde_json::Map::new();
    for n in 1..=10 {
        raw.insert(format!("fitz_{n}"), json!("2"));
    }
    raw.insert("concerns".into(), json!(["pores"]));
    raw.insert("downtime".into(), json!("week"));
    raw.insert("budget".into(), json!("mid"));
    for f in [
        "pregnant",
        "isotretinoin_recent",
        "active_breakout_or_cold_sore",
        "keloid_history",
    ] {
        raw.insert(f.into(), json!(false));
    }
    raw.insert("melasma".into(), json!(true));
    let answers = QuizAnswers::parse(&raw).unwrap();
    let now = app.clock.now().as_millisecond();
    let (id, _) = app
        .state
        .store
        .save_quiz_result(&answers, now, 86_400_000)
        .await
        .unwrap();
    let quiz = id.to_hex();
    let c = Client { app: &app };
    let (status, body) = c
        .get(&format!("/book?service=halo&from=quiz&quiz={quiz}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let main = form(&body, "/book/screening");
    assert!(main.fields.contains(&("quiz".into(), quiz.clone())));
    assert!(main.fields.contains(&("from".into(), "quiz".into())));
    // Without the box ticked nothing is read.
    let prefill = form(&body, "/book/quiz");
    let (status, page, _) = c.submit(&prefill).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!page.contains("value=\"yes\" checked"));
    let (status, page, _) = c.submit(&prefill.with("use_quiz", "true")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("We filled in 3 answers from your skin quiz"));
    assert!(page.contains(
        "id=\"screening.melasma\" name=\"screening.melasma\" type=\"radio\" value=\"yes\" checked"
    ));
    assert!(page.contains("id=\"screening.pregnant-no\" name=\"screening.pregnant\" type=\"radio\" value=\"no\" checked"));
    // The quiz context travels on through the date step.
    let (_, dates, _) = c
        .submit(&halo_answers(form(&page, "/book/screening")))
        .await;
    assert!(
        form(&dates, "/book/time")
            .fields
            .contains(&("quiz".into(), quiz))
    );
}

async fn embed_is_framed_only_by_the_configured_origins(kind: Kind) {
    let Some(app) = common::spawn_with(kind, |c| {
        c.embed_origins = vec!["https://www.example.org".into()];
    })
    .await
    else {
        return;
    };
    let res = app.get("/embed/book?service=halo").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors https://www.example.org"),
        "{csp}"
    );
    assert!(!res.headers().contains_key("x-frame-options"));
    let body = res.text().await.unwrap();
    assert!(body.contains("class=\"embed\""), "the compact frame");
    assert!(body.contains("action=\"/embed/book/screening\""));
    for path in ["/book", "/book?service=halo", "/book/consultation"] {
        let res = app.get(path).await;
        let csp = res.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(res.headers()["x-frame-options"], "DENY");
    }
    // The whole flow works in the frame and stays there until the manage link.
    let c = Client { app: &app };
    let (_, body) = c.get("/embed/book?service=halo").await;
    let (_, dates, _) = c
        .submit(&halo_answers(form(&body, "/embed/book/screening")))
        .await;
    let (times, slot, _) = first_time(&c, &dates, "/embed").await;
    let (_, page, _) = c.submit(&times.with("slot", &slot)).await;
    let (status, done, location) = c.submit(&details(form(&page, "/embed/book/confirm"))).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(location.unwrap().starts_with("/embed/bookings/"));
    assert!(done.contains("Your booking is confirmed"));
    assert!(
        done.contains("target=\"_blank\""),
        "the manage page opens outside the frame"
    );
}

mod embed {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::embed_is_framed_only_by_the_configured_origins(medspa_testkit::Kind::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        super::embed_is_framed_only_by_the_configured_origins(medspa_testkit::Kind::Postgres).await;
    }
}

async fn flow_posts_are_rate_limited(kind: Kind) {
    let Some(app) = common::spawn_with(kind, |c| c.rate_limit_per_minute = 2).await else {
        return;
    };
    let c = Client { app: &app };
    let (_, body) = c.get("/book?service=halo").await;
    let f = halo_answers(form(&body, "/book/screening"));
    for _ in 0..2 {
        assert_eq!(c.submit(&f).await.0, StatusCode::OK);
    }
    let res = app
        .http
        .post(app.url("/book/screening"))
        .form(&f.fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
}

mod rate_limit {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::flow_posts_are_rate_limited(medspa_testkit::Kind::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        super::flow_posts_are_rate_limited(medspa_testkit::Kind::Postgres).await;
    }
}

app_test!(
    halo_booked_without_javascript,
    double_submit_books_once,
    consultation_is_preset,
    pregnancy_is_refused_with_the_consultation_link,
    prep_window_moves_the_dates,
    a_taken_slot_returns_to_the_time_step,
    invalid_details_come_back_with_messages,
    csrf_is_required,
    wrong_reference_or_token_is_the_same_404,
    manage_page_cancels_with_confirmation,
    manage_page_reschedules_through_the_steps,
    late_changes_point_to_the_phone,
    next_session_of_a_series_goes_through_the_flow,
    quiz_context_is_kept_and_prefills_on_request,
    later_dates_reach_the_horizon_and_back,
    a_provider_chosen_first_or_late_never_dead_ends,
    a_time_inside_the_cut_off_says_so_before_confirming,
);
