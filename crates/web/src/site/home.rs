//! The home page: who the clinic is, its treatments, the ways to start (book, consultation,
//! quiz), the latest posts and how to find it, with `MedicalBusiness` JSON-LD. Served from
//! [`SiteCache`] for a short while, so a busy home page costs one render every 30 seconds.

use crate::error::PageError;
use crate::site::blog::PostCard;
use crate::site::cache::SiteCache;
use crate::site::format;
use crate::site::layout::{Layout, today, year};
use crate::site::treatments::Card;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use medspa_core::clinic::Clinic;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "site/home.html")]
struct Home {
    layout: Layout,
    tagline: String,
    services: Vec<Card>,
    posts: Vec<PostCard>,
}

async fn home(
    State(app): State<AppState>,
    Extension(cache): Extension<Arc<SiteCache>>,
) -> Result<Response, PageError> {
    let clinic = app.clinic();
    let body = cache
        .page(
            &clinic,
            year(&app),
            "/",
            Some(Duration::from_secs(30)),
            || async {
                // The blog is a garnish here: if the database is briefly away, the home page
                // still renders from the snapshot, just without the latest posts.
                let posts = match app.store.published_posts(today(&app), 0, 3).await {
                    Ok(posts) => posts.iter().map(PostCard::new).collect(),
                    Err(e) => {
                        tracing::warn!(error = %e, "home page rendered without the latest posts");
                        Vec::new()
                    }
                };
                let services = clinic
                    .services
                    .iter()
                    .filter(|s| !s.is_consultation())
                    .map(Card::new)
                    .collect();
                let layout =
                    Layout::new(&app, &clinic.info.name, "/").json_ld(&business_ld(&app, &clinic));
                Ok(Home {
                    layout,
                    tagline: clinic.info.tagline.clone(),
                    services,
                    posts,
                }
                .render()?)
            },
        )
        .await?;
    Ok(Html(body).into_response())
}

/// schema.org `MedicalBusiness` for the clinic.
fn business_ld(app: &AppState, clinic: &Clinic) -> serde_json::Value {
    let base = &app.config.base_url;
    let location = clinic.default_location();
    json!({
        "@context": "https://schema.org",
        "@type": "MedicalBusiness",
        "@id": format!("{base}/#clinic"),
        "name": clinic.info.name,
        "description": clinic.info.tagline,
        "url": format!("{base}/"),
        "telephone": clinic.info.phone,
        "email": clinic.info.email,
        "address": location.map(|l| json!({
            "@type": "PostalAddress",
            "streetAddress": l.address.street,
            "addressLocality": l.address.city,
            "addressRegion": l.address.region,
            "postalCode": l.address.postal_code,
            "addressCountry": l.address.country,
        })),
        "openingHours": location.map(|l| format::schema_hours(&l.hours)).unwrap_or_default(),
        "hasOfferCatalog": {
            "@type": "OfferCatalog",
            "name": "Treatments",
            "itemListElement": clinic.services.iter().map(|s| json!({
                "@type": "Offer",
                "price": format::decimal(s.price_cents),
                "priceCurrency": "USD",
                "itemOffered": {
                    "@type": "Service",
                    "name": s.name,
                    "url": format!("{base}/treatments/{}", s.slug),
                },
            })).collect::<Vec<_>>(),
        },
    })
}
