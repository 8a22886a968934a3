//! Moving through dates and providers in the HTML flow: "Later dates" and "Earlier dates"
//! reach every date of the horizon and back, and choosing a provider (before the date, or on
//! a day they don't work) never ends on an empty page.

use super::Client;
use super::html::{Form, attr, form, tags};
use crate::common::TestApp;
use jiff::civil::{Date, Weekday};
use reqwest::StatusCode;

/// The `value` of the button whose text is `text`.
fn button_value(body: &str, text: &str) -> Option<String> {
    let end = body.find(&format!(">{text}</button>"))?;
    let start = body[..end].rfind("<button ")?;
    let attrs = &tags(&body[start..=end], "button")[0];
    attr(attrs, "value").map(str::to_owned)
}

/// The page's date range heading ("Wednesday 25 November to Tuesday 8 December 2026").
fn range(body: &str) -> String {
    let start = body.find("class=\"book-range\">").unwrap() + "class=\"book-range\">".len();
    body[start..start + body[start..].find('<').unwrap()].to_owned()
}

/// The dates step's main form, aimed at the date step itself (as the pager buttons are).
fn pager(body: &str, value: &str) -> Form {
    let mut f = form(body, "/book/time");
    "/book/date".clone_into(&mut f.action);
    f.with("dates", value)
}

pub async fn later_dates_reach_the_horizon_and_back(app: TestApp) {
    let c = Client { app: &app };
    let (status, mut page) = c.get("/book/consultation").await;
    assert_eq!(status, StatusCode::OK);
    let first = range(&page);
    let mut seen = vec![first.clone()];
    while let Some(later) = button_value(&page, "Later dates") {
        let (status, next, _) = c.submit(&pager(&page, &later)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            !seen.contains(&range(&next)),
            "Later dates came back to {}",
            range(&next)
        );
        seen.push(range(&next));
        assert!(seen.len() <= 8, "more pages than a 90-day horizon holds");
        page = next;
    }
    // Today is Wednesday 25 November 2026 and the horizon 90 days: the last date is Tuesday
    // 23 February 2027.
    assert!(
        range(&page).ends_with("Tuesday 23 February 2027"),
        "{seen:?}"
    );
    assert!(seen.len() >= 7, "{seen:?}");
    let mut back = 0;
    while let Some(earlier) = button_value(&page, "Earlier dates") {
        let (_, prev, _) = c.submit(&pager(&page, &earlier)).await;
        page = prev;
        back += 1;
        assert!(back <= 8);
    }
    assert_eq!(range(&page), first, "back to the first page");
}

/// The provider radio whose label is `name`: its value (the staff id).
fn provider_id(body: &str, name: &str) -> String {
    let label = body.find(&format!(">{name}</label>")).unwrap();
    let start = body[..label].rfind("<label ").unwrap();
    let for_id = attr(&tags(&body[start..=label], "label")[0], "for")
        .unwrap()
        .to_owned();
    tags(body, "input")
        .into_iter()
        .find(|a| attr(a, "id") == Some(for_id.as_str()))
        .and_then(|a| attr(&a, "value").map(str::to_owned))
        .unwrap()
}

fn weekday(value: &str) -> Weekday {
    value.parse::<Date>().unwrap().weekday()
}

pub async fn a_provider_chosen_first_or_late_never_dead_ends(app: TestApp) {
    let c = Client { app: &app };
    let (_, page) = c.get("/book/consultation").await;
    // Dr. Okafor works Monday, Wednesday and Friday. Chosen on the date step, only her days
    // are offered.
    assert!(page.contains("Who would you like to see?"));
    let grace = provider_id(&page, "Dr. Grace Okafor");
    let filter = form(&page, "/book/date").with("provider", &grace);
    let (status, dates, _) = c.submit(&filter).await;
    assert_eq!(status, StatusCode::OK);
    let days = form(&dates, "/book/time").values("button", "date");
    assert!(!days.is_empty(), "her free days are offered");
    for d in &days {
        assert!(
            matches!(
                weekday(d),
                Weekday::Monday | Weekday::Wednesday | Weekday::Friday
            ),
            "{d} is not one of her days"
        );
    }
    // Chosen on a Tuesday's time step: her next free days, each a button to that day.
    let (_, times, _) = c
        .submit(&form(&page, "/book/time").with("date", "2026-12-01"))
        .await;
    let filter = form(&times, "/book/time").with("provider", &grace);
    let (status, empty, _) = c.submit(&filter).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        empty.contains("Dr. Grace Okafor has no free times on Tuesday 1 December"),
        "{empty}"
    );
    let next = form(&empty, "/book/details").values("button", "date");
    assert!(!next.is_empty() && next.len() <= 3, "{next:?}");
    assert!(next.iter().all(|d| d.as_str() > "2026-12-01"));
    let mut jump = form(&empty, "/book/details").with("date", &next[0]);
    "/book/time".clone_into(&mut jump.action);
    let (status, times, _) = c.submit(&jump).await;
    assert_eq!(status, StatusCode::OK);
    let slots = form(&times, "/book/details").values("input", "slot");
    assert!(!slots.is_empty(), "her next day has times");
    assert!(slots.iter().all(|s| s.ends_with(&grace)), "{slots:?}");
}

/// A time inside the 24-hour change cut-off says so on the details step, before the client
/// confirms; a time further away promises online changes instead.
pub async fn a_time_inside_the_cut_off_says_so_before_confirming(app: TestApp) {
    let c = Client { app: &app };
    let (_, page) = c.get("/book/consultation").await;
    let days = form(&page, "/book/time").values("button", "date");
    // Today (Wednesday 25 November, 09:00) has times from 11:00: inside the cut-off.
    assert_eq!(days[0], "2026-11-25");
    for (day, late) in [
        (days[0].as_str(), true),
        (days[days.len() - 1].as_str(), false),
    ] {
        let (_, times, _) = c.submit(&form(&page, "/book/time").with("date", day)).await;
        let f = form(&times, "/book/details");
        let slot = f.values("input", "slot")[0].clone();
        let (status, details, _) = c.submit(&f.with("slot", &slot)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            details.contains("can&#39;t be changed or cancelled online")
                || details.contains("can't be changed or cancelled online"),
            late,
            "{day}"
        );
        assert_eq!(
            details.contains("possible online until 24 hours before"),
            !late,
            "{day}"
        );
    }
}
