//! Editable public pages (`/accessibility`, `/health-and-safety`): a slug, a title and a
//! Markdown body. The web layer renders and sanitises the Markdown and falls back to built-in
//! text when a page has never been written.

use crate::{Store, StoreError, read, write};

/// A stored page.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
    pub updated_at_ms: i64,
}

/// A page to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPage {
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
}

impl Store {
    /// Creates or replaces a page.
    pub async fn upsert_page(&self, page: &NewPage, now_ms: i64) -> Result<(), StoreError> {
        write!(self, |pool| sqlx::query(
            "INSERT INTO pages (slug, title, body_markdown, updated_at_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, \
             body_markdown = excluded.body_markdown, updated_at_ms = excluded.updated_at_ms"
        )
        .bind(&page.slug)
        .bind(&page.title)
        .bind(&page.body_markdown)
        .bind(now_ms)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// A page by slug.
    pub async fn page(&self, slug: &str) -> Result<Option<Page>, StoreError> {
        Ok(read!(self, |pool| sqlx::query_as(
            "SELECT slug, title, body_markdown, updated_at_ms FROM pages WHERE slug = $1"
        )
        .bind(slug)
        .fetch_optional(pool)
        .await)?)
    }

    /// Every page, by slug.
    pub async fn pages(&self) -> Result<Vec<Page>, StoreError> {
        Ok(read!(self, |pool| sqlx::query_as(
            "SELECT slug, title, body_markdown, updated_at_ms FROM pages ORDER BY slug"
        )
        .fetch_all(pool)
        .await)?)
    }
}
