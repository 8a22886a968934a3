//! The skin quiz (issue 7) through the real HTTP server, on both databases: the API contract
//! (`GET`/`POST /api/v1/quiz`), the five-step HTML form without JavaScript (answers carried in
//! hidden fields, Back, errors kept next to their fields), results with booking links, share
//! links (no flags: in the URL, nothing stored; a flag: sealed server-side for 24 h), CSRF and
//! the rate limit.

use crate::common;
use crate::site_contact::form_token;
use crate::site_pages::{attr_after, page};

use common::TestApp;
use medspa_testkit::Kind;
use reqwest::StatusCode;
use serde_json::{Value, json};

const FLAGS: [&str; 5] = [
    "pregnant",
    "isotretinoin_recent",
    "active_breakout_or_cold_sore",
    "keloid_history",
    "melasma",
];

/// Type II (10 points), pores, a week of downtime, medium budget, with `flags` answered yes.
fn api_answers(flags: &[&str]) -> Value {
    let mut m = serde_json::Map::new();
    for n in 1..=10 {
        m.insert(format!("fitz_{n}"), json!("1"));
    }
    m.insert("concerns".into(), json!(["pores"]));
    m.insert("downtime".into(), json!("week"));
    m.insert("budget".into(), json!("mid"));
    for f in FLAGS {
        m.insert(f.into(), json!(flags.contains(&f)));
    }
    Value::Object(m)
}

async fn post_api(app: &TestApp, body: &Value) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/quiz"))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn api_questions_follow_the_contract(app: TestApp) {
    let res = app.get("/api/v1/quiz").await;
    assert_eq!(res.status(), StatusCode::OK);
    let qs: Vec<Value> = res.json().await.unwrap();
    let ids: Vec<&str> = qs.iter().map(|q| q["id"].as_str().unwrap()).collect();
    let mut expected: Vec<String> = (1..=10).map(|n| format!("fitz_{n}")).collect();
    expected.extend(["concerns", "downtime", "budget"].map(String::from));
    expected.extend(FLAGS.map(String::from));
    assert_eq!(ids, expected);
    for q in &qs {
        let id = q["id"].as_str().unwrap();
        assert!(q["text"].as_str().is_some_and(|t| !t.is_empty()), "{id}");
        let values: Vec<&str> = q["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                assert!(o["label"].as_str().is_some_and(|l| !l.is_empty()));
                o["value"].as_str().unwrap()
            })
            .collect();
        let kind = q["kind"].as_str().unwrap();
        match id {
            f if f.starts_with("fitz_") => {
                assert_eq!(kind, "single", "{id}");
                assert_eq!(values, ["0", "1", "2", "3", "4"], "{id}");
            }
            "concerns" => {
                assert_eq!(kind, "multi");
                assert_eq!(
                    values,
                    [
                        "pores",
                        "texture",
                        "pigmentation",
                        "fine_lines",
                        "acne_scars",
                        "redness",
                        "hair",
                        "volume"
                    ]
                );
            }
            "downtime" => assert_eq!((kind, values), ("single", vec!["none", "weekend", "week"])),
            "budget" => assert_eq!((kind, values), ("single", vec!["low", "mid", "high"])),
            _ => {
                assert_eq!(kind, "yes_no", "{id}");
                assert!(values.is_empty(), "{id}: yes_no has no options");
            }
        }
    }
    // Documented in the OpenAPI document.
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/quiz"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/quiz"]["post"].is_object());
}

async fn api_ranks_halo_first_for_pores_and_a_week(app: TestApp) {
    let res = post_api(&app, &json!({ "answers": api_answers(&[]) })).await;
    assert_eq!(res.status(), StatusCode::OK);
    let r: Value = res.json().await.unwrap();
    assert_eq!(r["phototype"], "II");
    assert_eq!(r["score"], 10);
    assert_eq!(r["consultation_advised"], false);
    let ranked = r["recommendations"].as_array().unwrap();
    assert_eq!(ranked[0]["service"], "halo", "{r}");
    let reasons: Vec<&str> = ranked[0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        reasons.iter().any(|s| s.contains("'Enlarged pores'")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|s| s.contains("'a week'")),
        "{reasons:?}"
    );
    assert!(ranked.iter().any(|x| x["service"] == "consultation"));
    assert!(r["cautions"].as_array().unwrap().is_empty());
    assert!(
        r["disclaimer"]
            .as_str()
            .unwrap()
            .contains("not medical advice")
    );
    let share = r["share_url"].as_str().unwrap();
    assert_eq!(
        share,
        format!("{}/quiz/result?f=1111111111&c=pores&d=week&b=mid", app.base)
    );
    // A health flag: the result changes and no link carries it.
    let r: Value = post_api(&app, &json!({ "answers": api_answers(&["pregnant"]) }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["share_url"], Value::Null);
    assert!(
        r["left_out"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["service"] == "halo")
    );
    // The API stores nothing.
    assert_eq!(app.state.store.count_quiz_results().await.unwrap(), 0);
}

async fn api_names_missing_and_invalid_answers(app: TestApp) {
    let mut answers = api_answers(&[]);
    let m = answers.as_object_mut().unwrap();
    m.remove("fitz_3");
    m.insert("downtime".into(), json!("month"));
    m.insert("pregnant".into(), json!("no"));
    m.insert("fitz_7".into(), json!("5"));
    let res = post_api(&app, &json!({ "answers": answers })).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "answers.fitz_3",
            "answers.fitz_7",
            "answers.downtime",
            "answers.pregnant"
        ]
    );
    assert!(!p.to_string().contains("month"), "values are never echoed");
    // No answers object at all.
    let p: Value = post_api(&app, &json!({})).await.json().await.unwrap();
    assert_eq!(p["code"], "validation_failed");
    assert_eq!(p["errors"][0]["field"], "answers");
    let res = post_api(&app, &json!({ "answers": [1] })).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// Every hidden input of a page, in order (the CSRF token, the step and carried answers).
fn hidden(body: &str) -> Vec<(String, String)> {
    body.split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let name = rest.split('"').next().unwrap().to_owned();
            let value = attr_after(rest, "", "value").unwrap().to_owned();
            (name, value)
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Sends the page's hidden fields plus `answers` and `action=next`.
async fn next(app: &TestApp, body: &str, answers: &[(&str, &str)]) -> reqwest::Response {
    let mut form = hidden(body);
    form.extend(pairs(answers));
    form.push(("action".into(), "next".into()));
    app.http
        .post(app.url("/quiz"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn ok_text(res: reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

/// Answers step by step as a browser without JavaScript would; returns the final redirect.
async fn complete(app: &TestApp, yes: &[&str]) -> reqwest::Response {
    let one = [
        ("fitz_1", "1"),
        ("fitz_2", "1"),
        ("fitz_3", "1"),
        ("fitz_4", "1"),
    ];
    let body = page(app, "/quiz").await;
    let body = ok_text(next(app, &body, &one).await).await;
    assert!(body.contains("Step 2 of 5"), "{body}");
    let body = next(
        app,
        &body,
        &[
            ("fitz_5", "1"),
            ("fitz_6", "1"),
            ("fitz_7", "1"),
            ("fitz_8", "1"),
        ],
    )
    .await;
    let body = ok_text(body).await;
    assert!(body.contains("Step 3 of 5"));
    let body = ok_text(next(app, &body, &[("fitz_9", "1"), ("fitz_10", "1")]).await).await;
    assert!(body.contains("Step 4 of 5"));
    let body = next(
        app,
        &body,
        &[
            ("concerns", ""),
            ("concerns", "pores"),
            ("downtime", "week"),
            ("budget", "mid"),
        ],
    )
    .await;
    let body = ok_text(body).await;
    assert!(body.contains("Step 5 of 5"));
    assert!(body.contains("Why we ask") && body.contains("see a doctor"));
    let flags: Vec<(&str, &str)> = FLAGS
        .iter()
        .map(|f| (*f, if yes.contains(f) { "yes" } else { "no" }))
        .collect();
    let res = next(app, &body, &flags).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    res
}

/// The page with askama's entity escapes undone, to compare hrefs and quoted words.
fn unescape(body: &str) -> String {
    body.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_owned()
}

async fn html_flow_works_step_by_step_without_javascript(app: TestApp) {
    let start = page(&app, "/quiz").await;
    assert!(start.contains("Step 1 of 5"));
    assert!(start.contains("This is not a diagnosis"));
    assert!(start.contains("<summary>Read the full notice</summary>"));
    assert!(start.contains("It does not diagnose, treat or rule out any condition"));
    assert!(start.contains("<legend>What colour are your eyes?</legend>"));
    assert!(start.contains("<input type=\"radio\" id=\"fitz_1\" name=\"fitz_1\" value=\"0\">"));
    assert!(start.contains("<label for=\"fitz_1-4\">Brownish black</label>"));
    assert!(start.contains("<input type=\"hidden\" name=\"csrf_token\" value=\""));
    assert!(start.contains("aria-current=\"step\""));
    let no_inline = |body: &str| {
        assert!(!body.contains("style="), "no inline style (CSP)");
        assert!(
            body.matches("<script").count()
                == body.matches("<script src=").count()
                    + body
                        .matches("<script type=\"application/ld+json\">")
                        .count(),
            "no inline script (CSP)"
        );
    };
    no_inline(&start);
    // Step 1's answers ride along in hidden fields; Back brings them back, checked.
    let one = [
        ("fitz_1", "2"),
        ("fitz_2", "3"),
        ("fitz_3", "1"),
        ("fitz_4", "0"),
    ];
    let two = ok_text(next(&app, &start, &one).await).await;
    let carried = hidden(&two);
    assert!(carried.contains(&("step".into(), "2".into())));
    for (k, v) in one {
        assert!(carried.contains(&(k.into(), v.into())), "{k} carried");
    }
    assert!(two.contains("Step 2 of 5") && two.contains("How your skin reacts to sun"));
    let mut form = hidden(&two);
    form.extend(pairs(&[("fitz_5", "4"), ("action", "back")]));
    let res = app
        .http
        .post(app.url("/quiz"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let back = ok_text(res).await;
    assert!(back.contains("Step 1 of 5"));
    assert!(back.contains("id=\"fitz_2-3\" name=\"fitz_2\" value=\"3\" checked"));
    assert!(
        hidden(&back).contains(&("fitz_5".into(), "4".into())),
        "step 2 kept"
    );

    let res = complete(&app, &[]).await;
    assert_eq!(
        location(&res),
        "/quiz/result?f=1111111111&c=pores&d=week&b=mid"
    );
    let body = unescape(&page(&app, &location(&res)).await);
    assert!(body.contains("<h1>Your skin quiz results</h1>"));
    no_inline(&body);
    assert!(body.contains("Your estimated skin type: II"));
    assert!(body.contains("not a measure of skin colour or ethnicity"));
    assert!(
        body.contains("It does not diagnose"),
        "disclaimer next to results"
    );
    // The first "Book now" is Halo's, with the quiz context.
    let first_book = body
        .find("href=\"/book?service=")
        .expect("a Book now button");
    let halo = body
        .find("href=\"/book?service=halo&from=quiz&quiz=f%3D1111111111%26c%3Dpores%26d%3Dweek%26b%3Dmid\">Book now")
        .expect("Book now for Halo");
    assert_eq!(first_book, halo, "Halo's Book now comes first");
    assert!(body[..halo].contains("href=\"/treatments/halo\""));
    assert!(body.contains(
        "href=\"/book/consultation?service=halo&from=quiz&quiz=f%3D1111111111%26c%3Dpores%26d%3Dweek%26b%3Dmid\""
    ));
    assert!(body.contains("Book your complimentary consultation"));
    assert!(
        body.contains("you chose 'Enlarged pores'") && body.contains("your 'a week' answer"),
        "reasons cite the answers"
    );
    // Change my answers: the form comes back filled in.
    let again = page(
        &app,
        "/quiz?quiz=f%3D1111111111%26c%3Dpores%26d%3Dweek%26b%3Dmid",
    )
    .await;
    assert!(again.contains("id=\"fitz_1-1\" name=\"fitz_1\" value=\"1\" checked"));
    assert!(hidden(&again).contains(&("downtime".into(), "week".into())));
}

async fn invalid_step_keeps_input_and_shows_messages(app: TestApp) {
    let start = page(&app, "/quiz").await;
    let res = next(
        &app,
        &start,
        &[("fitz_1", "2"), ("fitz_2", "3"), ("fitz_4", "9")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = res.text().await.unwrap();
    assert!(body.contains("<title>Error: "));
    assert!(body.contains("There are 2 problems"));
    assert!(body.contains("<a href=\"#fitz_3\">Please answer this question</a>"));
    assert!(body.contains("<a href=\"#fitz_4\">"));
    assert!(body.contains("aria-describedby=\"fitz_3-error\""));
    assert!(body.contains("id=\"fitz_3-error\""));
    assert!(body.contains("id=\"fitz_1-2\" name=\"fitz_1\" value=\"2\" checked"));
    assert!(body.contains("id=\"fitz_2-3\" name=\"fitz_2\" value=\"3\" checked"));
    assert!(
        !body.contains("value=\"9\""),
        "unknown values are not echoed"
    );
    assert!(body.contains("Step 1 of 5"));
    // A tampered earlier step sends the visitor back to it.
    let mut form = hidden(&start);
    form.retain(|(k, _)| k == "csrf_token");
    form.extend(pairs(&[("step", "3"), ("fitz_9", "1"), ("fitz_10", "1")]));
    let res = app
        .http
        .post(app.url("/quiz"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Step 1 of 5"));
}

async fn share_link_without_flags_stores_nothing(app: TestApp) {
    let res = complete(&app, &[]).await;
    let url = location(&res);
    for f in FLAGS {
        assert!(!url.contains(f), "{url} carries no flag");
    }
    let res = app.get(&url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "public, max-age=3600");
    let body = unescape(&res.text().await.unwrap());
    assert!(body.contains("Share this result"));
    assert!(body.contains(&format!("{}{url}", app.base)));
    assert!(body.contains("no health answers"));
    assert_eq!(app.state.store.count_quiz_results().await.unwrap(), 0);
    // A broken link is a friendly 404.
    let res = app.get("/quiz/result?f=11&d=week").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Quiz result not found"));
}

async fn share_link_with_a_flag_is_sealed_and_expires(app: TestApp) {
    let res = complete(&app, &["melasma"]).await;
    let url = location(&res);
    let hex = url.strip_prefix("/quiz/result/").expect("a saved result");
    assert_eq!(hex.len(), 32);
    assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
    let res = app.get(&url).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body = res.text().await.unwrap();
    assert!(body.contains("Melasma"), "the flag's caution shows");
    assert!(body.contains("We suggest a complimentary consultation first"));
    assert!(
        body.contains(&format!("quiz={hex}")),
        "booking links carry the id"
    );
    assert!(body.contains(&format!("{}/quiz/result/{hex}", app.base)));
    assert_eq!(app.state.store.count_quiz_results().await.unwrap(), 1);
    // Sealed at rest: neither the answers nor the link's id are readable in the database.
    let (leak, by_id) = match app.db.kind {
        Kind::Sqlite => (
            "SELECT COUNT(*) FROM quiz_results WHERE instr(answers_sealed, CAST('melasma' AS BLOB)) > 0 \
             OR instr(answers_sealed, CAST('fitz_1' AS BLOB)) > 0 OR instr(answers_sealed, CAST('true' AS BLOB)) > 0",
            format!("SELECT COUNT(*) FROM quiz_results WHERE lower(hex(id_hash)) LIKE '%{hex}%'"),
        ),
        Kind::Postgres => (
            "SELECT COUNT(*) FROM quiz_results WHERE position('melasma'::bytea in answers_sealed) > 0 \
             OR position('fitz_1'::bytea in answers_sealed) > 0 OR position('true'::bytea in answers_sealed) > 0",
            format!(
                "SELECT COUNT(*) FROM quiz_results WHERE encode(id_hash, 'hex') LIKE '%{hex}%'"
            ),
        ),
    };
    assert_eq!(
        app.db.raw_count("SELECT COUNT(*) FROM quiz_results").await,
        1
    );
    assert_eq!(app.db.raw_count(leak).await, 0);
    assert_eq!(app.db.raw_count(&by_id).await, 0);
    // Unknown and malformed ids are 404s.
    let other = format!("{}0", &hex[..31]);
    let other = if other == hex {
        format!("{}1", &hex[..31])
    } else {
        other
    };
    assert_eq!(
        app.get(&format!("/quiz/result/{other}")).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/quiz/result/nope").await.status(),
        StatusCode::NOT_FOUND
    );
    // Still there after 23 hours, gone after 25.
    app.clock.advance(jiff::SignedDuration::from_hours(23));
    assert_eq!(app.get(&url).await.status(), StatusCode::OK);
    app.clock.advance(jiff::SignedDuration::from_hours(2));
    let res = app.get(&url).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Quiz result not found"));
    // The next saved result clears expired rows.
    let _ = complete(&app, &["pregnant"]).await;
    assert_eq!(app.state.store.count_quiz_results().await.unwrap(), 1);
}

async fn saved_result_can_be_deleted(app: TestApp) {
    let url = location(&complete(&app, &["keloid_history"]).await);
    let token = form_token(&app, &url).await;
    let res = app
        .http
        .post(app.url(&format!("{url}/forget")))
        .form(&[("csrf_token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/quiz?forgotten=1");
    assert!(
        page(&app, "/quiz?forgotten=1")
            .await
            .contains("has been deleted")
    );
    assert_eq!(app.get(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.state.store.count_quiz_results().await.unwrap(), 0);
}

async fn csrf_is_required(app: TestApp) {
    let start = page(&app, "/quiz").await;
    let mut form = hidden(&start);
    form.retain(|(k, _)| k != "csrf_token");
    form.extend(pairs(&[("fitz_1", "1"), ("action", "next")]));
    let res = app
        .http
        .post(app.url("/quiz"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A valid token from another browser (no cookie) is refused too.
    let stranger = reqwest::Client::new();
    let res = stranger
        .post(app.url("/quiz"))
        .form(&hidden(&start))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .http
        .post(app.url("/quiz"))
        .header("origin", "https://evil.example")
        .form(&hidden(&start))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

crate::app_test!(
    api_questions_follow_the_contract,
    api_ranks_halo_first_for_pores_and_a_week,
    api_names_missing_and_invalid_answers,
    html_flow_works_step_by_step_without_javascript,
    invalid_step_keeps_input_and_shows_messages,
    share_link_without_flags_stores_nothing,
    share_link_with_a_flag_is_sealed_and_expires,
    saved_result_can_be_deleted,
    csrf_is_required
);

async fn quiz_posts_are_rate_limited(app: TestApp) {
    let start = page(&app, "/quiz").await;
    for _ in 0..2 {
        let res = next(&app, &start, &[]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = next(&app, &start, &[]).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let res = post_api(&app, &json!({ "answers": api_answers(&[]) })).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

mod quiz_posts_are_rate_limited {
    async fn run(kind: super::Kind) {
        let Some(app) = super::common::spawn_with(kind, |c| c.rate_limit_per_minute = 2).await
        else {
            return;
        };
        super::quiz_posts_are_rate_limited(app).await;
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
