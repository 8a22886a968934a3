//! `/treatments` and `/treatments/{slug}`: the catalog from the clinic snapshot, with each
//! service's protocol shown as a preview (prep and after-care by day, never by date), series,
//! downtime, FAQ and the ways to book. Rendered once per snapshot and served from
//! [`SiteCache`]: these pages never touch the database.

use crate::error::PageError;
use crate::site::cache::SiteCache;
use crate::site::format;
use crate::site::layout::{Layout, year};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Extension, Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Router, body::Bytes};
use jiff::civil::date;
use medspa_core::catalog::Service;
use medspa_core::clinic::Clinic;
use medspa_core::protocol::{Phase, care_plan};
use serde_json::json;
use std::sync::Arc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/treatments", get(list))
        .route("/treatments/{slug}", get(detail))
}

/// A service in a list.
pub struct Card {
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub duration: String,
    pub price: String,
    pub downtime: String,
    pub is_consultation: bool,
}

impl Card {
    pub fn new(s: &Service) -> Self {
        Self {
            slug: s.slug.to_string(),
            name: s.name.clone(),
            summary: s.summary.clone(),
            duration: format::duration(s.duration_minutes()),
            price: format::price(s.price_cents),
            downtime: downtime(s).0,
            is_consultation: s.is_consultation(),
        }
    }
}

/// Downtime words and the protocol's note.
fn downtime(s: &Service) -> (String, Option<String>) {
    match &s.protocol.downtime {
        Some(d) => (
            format::downtime(d.min_days, d.max_days),
            Some(d.note.clone()).filter(|n| !n.is_empty()),
        ),
        None => (format::downtime(0, s.downtime_days), None),
    }
}

#[derive(Template)]
#[template(path = "site/treatments.html")]
struct ListPage {
    layout: Layout,
    treatments: Vec<Card>,
    consultations: Vec<Card>,
}

async fn list(
    State(app): State<AppState>,
    Extension(cache): Extension<Arc<SiteCache>>,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let body = cache
        .page(&clinic, year(&app), "/treatments", None, || async {
            let (consultations, treatments): (Vec<_>, Vec<_>) = clinic
                .services
                .iter()
                .map(Card::new)
                .partition(|c| c.is_consultation);
            let layout = Layout::new(&app, "Treatments", "/treatments").describe(&format!(
                "Treatments at {}: prices, timings, downtime and how to prepare.",
                clinic.info.name
            ));
            Ok(ListPage {
                layout,
                treatments,
                consultations,
            }
            .render()?)
        })
        .await?;
    Ok(page(body))
}

/// One care step as shown on a treatment page.
struct Step {
    when: String,
    title: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "site/treatment.html")]
struct DetailPage {
    layout: Layout,
    slug: String,
    name: String,
    summary: String,
    description_html: String,
    suits: String,
    duration: String,
    segments: Vec<(String, String)>,
    price: String,
    is_consultation: bool,
    consultation_required: bool,
    downtime: String,
    downtime_note: Option<String>,
    series: Option<String>,
    screening: Vec<String>,
    prep: Vec<Step>,
    aftercare: Vec<Step>,
    red_flags: Option<String>,
    faq: Vec<(String, String)>,
    /// "Is this right for me?": the service's rules in plain words, by what they mean.
    right_for_me: Vec<(&'static str, Vec<String>)>,
    lead_time_days: u32,
}

/// The service's eligibility rules grouped for the "Is this right for me?" section,
/// generated from the same rules the booking checks (never written by hand).
fn right_for_me(s: &Service) -> Vec<(&'static str, Vec<String>)> {
    use medspa_core::protocol::RuleOutcome;
    let groups = [
        (
            RuleOutcome::ConsultationRequired,
            "When we ask you to start with a complimentary consultation",
        ),
        (RuleOutcome::NotEligible, "When we can't offer it"),
        (RuleOutcome::Reschedule, "When it has to wait a little"),
        (RuleOutcome::Caution, "Good to know"),
    ];
    groups
        .into_iter()
        .filter_map(|(outcome, heading)| {
            let mut texts: Vec<String> = Vec::new();
            for r in s.protocol.rules.iter().filter(|r| r.outcome == outcome) {
                if !texts.contains(&r.text) {
                    texts.push(r.text.clone());
                }
            }
            (!texts.is_empty()).then_some((heading, texts))
        })
        .collect()
}

async fn detail(
    State(app): State<AppState>,
    Extension(cache): Extension<Arc<SiteCache>>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let Some(service) = clinic.service(&slug) else {
        return Err(PageError::not_found());
    };
    let path = format!("/treatments/{slug}");
    let body = cache
        .page(&clinic, year(&app), &path, None, || async {
            Ok(detail_page(&app, &clinic, service, &path).render()?)
        })
        .await?;
    Ok(page(body))
}

fn page(body: Bytes) -> Response {
    Html(body).into_response()
}

fn detail_page(app: &AppState, clinic: &Clinic, s: &Service, path: &str) -> DetailPage {
    let (prep, aftercare) = care_preview(clinic, s);
    let (downtime, downtime_note) = downtime(s);
    let series = s.protocol.series.filter(|x| x.sessions > 1).map(|x| {
        format!(
            "Usually {} sessions, {}–{} weeks apart",
            x.sessions, x.min_interval_weeks, x.max_interval_weeks
        )
    });
    let layout = Layout::new(app, &s.name, path)
        .describe(&s.summary)
        .json_ld(&service_ld(app, clinic, s, path));
    DetailPage {
        layout,
        slug: s.slug.to_string(),
        name: s.name.clone(),
        summary: s.summary.clone(),
        description_html: crate::site::markdown::render(&s.description),
        suits: s.suits.clone(),
        duration: format::duration(s.duration_minutes()),
        segments: if s.segments.len() > 1 {
            s.segments
                .iter()
                .map(|g| (g.label.clone(), format::duration(g.duration_minutes)))
                .collect()
        } else {
            Vec::new()
        },
        price: format::price(s.price_cents),
        is_consultation: s.is_consultation(),
        consultation_required: s.consultation_required,
        downtime,
        downtime_note,
        series,
        screening: s
            .protocol
            .screening
            .iter()
            .map(|q| q.question.clone())
            .collect(),
        prep,
        aftercare,
        red_flags: s.protocol.red_flags.as_ref().map(|r| r.text.clone()),
        faq: s
            .faq
            .iter()
            .map(|f| (f.question.clone(), f.answer.clone()))
            .collect(),
        right_for_me: right_for_me(s),
        lead_time_days: s.protocol.lead_days(),
    }
}

/// The care plan for a hypothetical start, with dates turned back into day offsets, split
/// into before and from-the-day-on.
fn care_preview(clinic: &Clinic, s: &Service) -> (Vec<Step>, Vec<Step>) {
    let tz = clinic
        .default_location()
        .map_or(jiff::tz::TimeZone::UTC, |l| l.zone.tz().clone());
    // Any ordinary weekday works: only the offsets from it are shown.
    let Ok(start) = date(2030, 1, 8).at(10, 0, 0, 0).to_zoned(tz) else {
        return (Vec::new(), Vec::new());
    };
    let day0 = start.date();
    let offset = |d: jiff::civil::Date| day0.until(d).map_or(0, |span| i64::from(span.get_days()));
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for step in care_plan(&s.protocol, &start, None) {
        let detail = match step.until {
            Some(u) => step
                .detail
                .strip_suffix(&format!(" Continue through {u}."))
                .unwrap_or(&step.detail)
                .to_owned(),
            None => step.detail.clone(),
        };
        let view = Step {
            when: format::care_day(offset(step.date), step.until.map(offset)),
            title: step.title,
            detail,
        };
        if step.phase == Phase::Before {
            before.push(view);
        } else {
            after.push(view);
        }
    }
    (before, after)
}

/// schema.org `Service` with an `Offer`, provided by the clinic.
fn service_ld(app: &AppState, clinic: &Clinic, s: &Service, path: &str) -> serde_json::Value {
    let base = &app.config.base_url;
    json!({
        "@context": "https://schema.org",
        "@type": "Service",
        "name": s.name,
        "description": s.summary,
        "url": format!("{base}{path}"),
        "serviceType": if s.is_consultation() { "Consultation" } else { "Aesthetic treatment" },
        "provider": {
            "@type": "MedicalBusiness",
            "name": clinic.info.name,
            "url": format!("{base}/"),
            "telephone": clinic.info.phone,
        },
        "areaServed": clinic.default_location().map(|l| l.address.city.clone()),
        "offers": {
            "@type": "Offer",
            "price": format::decimal(s.price_cents),
            "priceCurrency": "USD",
            "url": format!("{base}{}", book_url(s)),
            "availability": "https://schema.org/InStock",
        },
    })
}

/// Where "Book" goes for a service.
pub fn book_url(s: &Service) -> String {
    if s.is_consultation() {
        "/book/consultation".to_owned()
    } else {
        format!("/book?service={}", s.slug)
    }
}
