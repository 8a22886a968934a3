//! In-memory caches of the public site, one [`SiteCache`] per router (so tests that run many
//! apps in one process never share entries).
//!
//! - Whole pages rendered only from the clinic snapshot (treatments, home) are kept per path
//!   and reused while the snapshot is the same `Arc` (a settings change swaps the snapshot, so
//!   the next request renders afresh) and the year in the footer has not changed. Pages mixing
//!   in database content (the home page's latest posts) also expire after a short time.
//! - Markdown rendered to HTML is kept per key together with the source it came from: an edit
//!   by any writer, in this process or not, changes the source and so misses the cache (a
//!   memory comparison per request instead of a render).
//!
//! Nothing personal is ever cached: pages with forms or per-visitor content are not put here.

use crate::error::PageError;
use axum::body::Bytes;
use medspa_core::clinic::Clinic;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// Entries kept before the Markdown cache starts over.
const MARKDOWN_ENTRIES: usize = 512;

/// The site's caches.
#[derive(Default)]
pub struct SiteCache {
    pages: RwLock<HashMap<String, Entry>>,
    markdown: Mutex<HashMap<String, (String, Arc<str>)>>,
}

struct Entry {
    clinic: Arc<Clinic>,
    year: i16,
    expires: Option<Instant>,
    body: Bytes,
}

impl SiteCache {
    /// The cached page at `path` for this snapshot and year, or `render` it and keep it
    /// (for `max_age` when given).
    pub async fn page<F, Fut>(
        &self,
        clinic: &Arc<Clinic>,
        year: i16,
        path: &str,
        max_age: Option<Duration>,
        render: F,
    ) -> Result<Bytes, PageError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, PageError>>,
    {
        {
            let pages = self.pages.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(e) = pages.get(path)
                && Arc::ptr_eq(&e.clinic, clinic)
                && e.year == year
                && e.expires.is_none_or(|t| Instant::now() < t)
            {
                return Ok(e.body.clone());
            }
        }
        let body = Bytes::from(render().await?);
        let entry = Entry {
            clinic: clinic.clone(),
            year,
            expires: max_age.map(|a| Instant::now() + a),
            body: body.clone(),
        };
        self.pages
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_owned(), entry);
        Ok(body)
    }

    /// `render(source)`, cached under `key` while the source stays the same.
    pub fn markdown(&self, key: &str, source: &str) -> Arc<str> {
        let mut map = self.markdown.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((cached, html)) = map.get(key)
            && cached == source
        {
            return html.clone();
        }
        let html: Arc<str> = super::markdown::render(source).into();
        if map.len() >= MARKDOWN_ENTRIES {
            map.clear();
        }
        map.insert(key.to_owned(), (source.to_owned(), html.clone()));
        html
    }
}
