//! Blog posts: Markdown with front matter, stored whole, listed newest first.
//!
//! Posts arrive by [`Store::upsert_post`] (the back office, the demo) or by
//! [`Store::import_posts_from_dir`] (`*.md` files with front matter, for the CLI). A post is
//! public once it is not a draft and its `published_on` date has come; callers pass "today" in
//! the clinic's zone, nothing here reads a clock. Rendering (Markdown to sanitised HTML) is the
//! web layer's job: the store keeps the author's Markdown untouched.

use crate::{Store, StoreError, read, write};
use jiff::civil::Date;
use medspa_core::input::{InvalidInput, Slug};
use std::path::Path;
use uuid::Uuid;

/// A post to write (insert, or replace the post with the same slug).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPost {
    pub slug: Slug,
    pub title: String,
    /// One or two sentences for lists, the feed and `<meta name="description">`.
    pub summary: String,
    pub body_markdown: String,
    pub tags: Vec<String>,
    /// Optional hero image URL (site-relative or absolute); needs `hero_alt`.
    pub hero_image: Option<String>,
    /// Alternative text for the hero image.
    pub hero_alt: Option<String>,
    /// Civil publication date in the clinic's zone.
    pub published_on: Date,
    pub draft: bool,
}

/// A stored post.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body_markdown: String,
    pub tags: Vec<String>,
    pub hero_image: Option<String>,
    pub hero_alt: Option<String>,
    pub published_on: Date,
    pub draft: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// What [`Store::import_posts_from_dir`] did: imported slugs, and each file it refused with
/// the reason (nothing is silently dropped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: Vec<String>,
    pub failed: Vec<(String, String)>,
}

#[derive(sqlx::FromRow)]
struct PostRow {
    id: Uuid,
    slug: String,
    title: String,
    summary: String,
    body_markdown: String,
    tags_json: String,
    hero_image: Option<String>,
    hero_alt: Option<String>,
    published_on: String,
    draft: bool,
    created_at_ms: i64,
    updated_at_ms: i64,
}

impl TryFrom<PostRow> for Post {
    type Error = StoreError;
    fn try_from(r: PostRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: r.id,
            slug: r.slug,
            title: r.title,
            summary: r.summary,
            body_markdown: r.body_markdown,
            tags: serde_json::from_str(&r.tags_json)
                .map_err(|_| StoreError::Corrupt("blog_posts.tags_json".into()))?,
            hero_image: r.hero_image,
            hero_alt: r.hero_alt,
            published_on: r
                .published_on
                .parse()
                .map_err(|_| StoreError::Corrupt("blog_posts.published_on".into()))?,
            draft: r.draft,
            created_at_ms: r.created_at_ms,
            updated_at_ms: r.updated_at_ms,
        })
    }
}

const COLUMNS: &str = "id, slug, title, summary, body_markdown, tags_json, hero_image, hero_alt, \
    published_on, draft, created_at_ms, updated_at_ms";

const UPSERT: &str = "INSERT INTO blog_posts (id, slug, title, summary, body_markdown, tags_json, \
    hero_image, hero_alt, published_on, draft, created_at_ms, updated_at_ms) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
    ON CONFLICT (slug) DO UPDATE SET title = excluded.title, summary = excluded.summary, \
    body_markdown = excluded.body_markdown, tags_json = excluded.tags_json, \
    hero_image = excluded.hero_image, hero_alt = excluded.hero_alt, \
    published_on = excluded.published_on, draft = excluded.draft, \
    updated_at_ms = excluded.updated_at_ms \
    RETURNING id";

impl Store {
    /// Inserts a post, or replaces the post with the same slug (keeping its id and creation
    /// time). Returns the post's id.
    #[tracing::instrument(skip_all)]
    pub async fn upsert_post(&self, post: &NewPost, now_ms: i64) -> Result<Uuid, StoreError> {
        let tags = serde_json::to_string(&post.tags).unwrap_or_else(|_| "[]".into());
        let (id,): (Uuid,) = write!(self, |pool| {
            sqlx::query_as(UPSERT)
                .bind(Uuid::now_v7())
                .bind(post.slug.as_str())
                .bind(&post.title)
                .bind(&post.summary)
                .bind(&post.body_markdown)
                .bind(&tags)
                .bind(post.hero_image.as_deref())
                .bind(post.hero_alt.as_deref())
                .bind(post.published_on.to_string())
                .bind(post.draft)
                .bind(now_ms)
                .fetch_one(pool)
                .await
        })?;
        Ok(id)
    }

    /// Deletes the post with this slug; `NotFound` when there is none.
    pub async fn delete_post(&self, slug: &str) -> Result<(), StoreError> {
        let done = write!(self, |pool| sqlx::query(
            "DELETE FROM blog_posts WHERE slug = $1"
        )
        .bind(slug)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Any post by slug, drafts and future posts included (for the back office).
    pub async fn post(&self, slug: &str) -> Result<Option<Post>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM blog_posts WHERE slug = $1");
        let row: Option<PostRow> = read!(self, |pool| sqlx::query_as(&sql)
            .bind(slug)
            .fetch_optional(pool)
            .await)?;
        row.map(Post::try_from).transpose()
    }

    /// A public post: not a draft and published on or before `today`.
    pub async fn published_post(
        &self,
        slug: &str,
        today: Date,
    ) -> Result<Option<Post>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM blog_posts WHERE slug = $1 AND draft = $2 AND published_on <= $3"
        );
        let row: Option<PostRow> = read!(self, |pool| sqlx::query_as(&sql)
            .bind(slug)
            .bind(false)
            .bind(today.to_string())
            .fetch_optional(pool)
            .await)?;
        row.map(Post::try_from).transpose()
    }

    /// Public posts, newest first, `limit` from `offset`.
    pub async fn published_posts(
        &self,
        today: Date,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Post>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM blog_posts WHERE draft = $1 AND published_on <= $2 \
             ORDER BY published_on DESC, created_at_ms DESC, slug LIMIT $3 OFFSET $4"
        );
        let rows: Vec<PostRow> = read!(self, |pool| sqlx::query_as(&sql)
            .bind(false)
            .bind(today.to_string())
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(Post::try_from).collect()
    }

    /// How many posts are public on `today`.
    pub async fn count_published_posts(&self, today: Date) -> Result<u64, StoreError> {
        let (n,): (i64,) = read!(self, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM blog_posts WHERE draft = $1 AND published_on <= $2"
        )
        .bind(false)
        .bind(today.to_string())
        .fetch_one(pool)
        .await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Imports every `*.md` file of `dir` (not recursive) as a post: the slug is the front
    /// matter's `slug` or the file name, the date the front matter's `date` or `today`. Files
    /// are read in name order; a file that does not parse is reported in
    /// [`ImportReport::failed`] and the others are still imported.
    pub async fn import_posts_from_dir(
        &self,
        dir: &Path,
        today: Date,
        now_ms: i64,
    ) -> Result<ImportReport, StoreError> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| StoreError::Io(format!("cannot read {}: {e}", dir.display())))?;
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        files.sort();
        let mut report = ImportReport::default();
        for file in files {
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let stem = file
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    report.failed.push((name, format!("cannot read: {e}")));
                    continue;
                }
            };
            match parse_post(&stem, &text, Some(today)) {
                Ok(post) => {
                    self.upsert_post(&post, now_ms).await?;
                    report.imported.push(post.slug.as_str().to_owned());
                }
                Err(e) => {
                    let why = e
                        .errors
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.message))
                        .collect::<Vec<_>>()
                        .join("; ");
                    report.failed.push((name, why));
                }
            }
        }
        Ok(report)
    }
}

/// Parses a Markdown post with front matter:
///
/// ```text
/// ---
/// title: Pores, explained
/// date: 2026-11-02            # optional when `default_date` is given
/// summary: Why pores look bigger with age, and what helps.
/// tags: pores, halo, laser    # or [pores, halo]
/// slug: pores-explained       # optional, else `slug_hint` (the file name)
/// hero_image: /static/x.svg   # optional; needs hero_alt
/// hero_alt: A close-up of ... # optional
/// draft: false                # optional
/// ---
/// The body in Markdown.
/// ```
///
/// Unknown keys are errors (a typo must not silently drop a field). Values may be quoted.
pub fn parse_post(
    slug_hint: &str,
    source: &str,
    default_date: Option<Date>,
) -> Result<NewPost, InvalidInput> {
    let (meta, body) = split_front_matter(source)?;
    let mut errors = InvalidInput::default();
    let (mut title, mut summary, mut slug, mut date) = (None, String::new(), None, None);
    let (mut tags, mut hero_image, mut hero_alt, mut draft) = (Vec::new(), None, None, false);
    for (line_no, line) in meta.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            errors.push(
                "front_matter",
                format!("line {} is not `key: value`", line_no + 1),
            );
            continue;
        };
        let value = unquote(value.trim());
        match key.trim() {
            "title" => title = Some(value.to_owned()),
            "summary" | "description" => value.clone_into(&mut summary),
            "slug" => slug = Some(value.to_owned()),
            "date" => match value.parse::<Date>() {
                Ok(d) => date = Some(d),
                Err(_) => errors.push("date", "Use a date like 2026-11-02"),
            },
            "tags" => {
                tags = value
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .split(',')
                    .map(|t| unquote(t.trim()).to_lowercase())
                    .filter(|t| !t.is_empty())
                    .collect();
            }
            "hero_image" | "image" => hero_image = Some(value.to_owned()),
            "hero_alt" | "image_alt" => hero_alt = Some(value.to_owned()),
            "draft" => draft = matches!(value, "true" | "yes"),
            other => errors.push("front_matter", format!("unknown key `{other}`")),
        }
    }
    let title = title.filter(|t| !t.is_empty());
    if title.is_none() {
        errors.push("title", "Every post needs a title");
    }
    let slug = match Slug::parse(slug.as_deref().unwrap_or(slug_hint), "slug") {
        Ok(s) => Some(s),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let date = date.or(default_date);
    if date.is_none() {
        errors.push("date", "Every post needs a date");
    }
    if hero_image.is_some() && hero_alt.as_deref().is_none_or(str::is_empty) {
        errors.push("hero_alt", "A hero image needs alternative text");
    }
    if body.trim().is_empty() {
        errors.push("body", "The post has no text");
    }
    errors.into_result()?;
    let (Some(title), Some(slug), Some(published_on)) = (title, slug, date) else {
        return Err(InvalidInput::field("front_matter", "is incomplete"));
    };
    Ok(NewPost {
        slug,
        title,
        summary,
        body_markdown: body.trim().to_owned(),
        tags,
        hero_image,
        hero_alt,
        published_on,
        draft,
    })
}

/// Splits `---` front matter from the body (front matter is required).
fn split_front_matter(source: &str) -> Result<(&str, &str), InvalidInput> {
    let text = source.trim_start_matches('\u{feff}');
    let missing = || InvalidInput::field("front_matter", "Start the file with a --- block");
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or_else(missing)?;
    let end = rest
        .match_indices("\n---")
        .map(|(i, _)| i)
        .find(|&i| {
            let after = &rest[i + 4..];
            after.is_empty() || after.starts_with('\n') || after.starts_with("\r\n")
        })
        .ok_or_else(missing)?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    Ok((&rest[..end], body))
}

fn unquote(v: &str) -> &str {
    let v = v.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const POST: &str = "---\ntitle: \"Pores, explained\"\ndate: 2026-11-02\nsummary: Why.\n\
        tags: [Pores, halo]\n---\n\nBody **here**.\n";

    #[test]
    fn parses_front_matter() {
        let p = parse_post("pores", POST, None).unwrap();
        assert_eq!(p.title, "Pores, explained");
        assert_eq!(p.slug.as_str(), "pores");
        assert_eq!(p.published_on, jiff::civil::date(2026, 11, 2));
        assert_eq!(p.tags, vec!["pores", "halo"]);
        assert_eq!(p.body_markdown, "Body **here**.");
        assert!(!p.draft);
    }

    #[test]
    fn names_what_is_wrong() {
        let e = parse_post("Bad Slug", "---\nfoo: 1\n---\n", None).unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert!(fields.contains(&"front_matter"));
        assert!(fields.contains(&"title"));
        assert!(fields.contains(&"slug"));
        assert!(fields.contains(&"date"));
        assert!(fields.contains(&"body"));
        assert!(parse_post("x", "no front matter", None).is_err());
        let e = parse_post(
            "x",
            "---\ntitle: T\ndate: 2026-01-01\nhero_image: /a.svg\n---\nText",
            None,
        )
        .unwrap_err();
        assert_eq!(e.errors[0].field, "hero_alt");
    }

    #[test]
    fn default_date_and_slug_override() {
        let p = parse_post(
            "file-name",
            "---\ntitle: T\nslug: other\n---\nText\n---\nmore",
            Some(jiff::civil::date(2026, 1, 5)),
        )
        .unwrap();
        assert_eq!(p.slug.as_str(), "other");
        assert_eq!(p.published_on, jiff::civil::date(2026, 1, 5));
        assert_eq!(p.body_markdown, "Text\n---\nmore");
    }
}
