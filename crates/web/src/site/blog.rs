//! The blog: `/blog` (10 posts a page, `?page=N`, rel prev/next), `/blog/{slug}` with
//! `BlogPosting` JSON-LD, and the RSS 2.0 feed at `/blog/feed.xml`.
//!
//! Posts come from the database on every request (a post may be published or edited from
//! elsewhere); their Markdown is rendered once per version of the text ([`SiteCache::markdown`]).

use crate::error::PageError;
use crate::site::cache::SiteCache;
use crate::site::format;
use crate::site::html;
use crate::site::layout::{Layout, today};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use medspa_store::blog::Post;
use serde_json::json;
use std::fmt::Write as _;
use std::sync::Arc;

/// Posts per page of `/blog`.
pub const PER_PAGE: u32 = 10;
/// Items in the RSS feed.
const FEED_ITEMS: u32 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/blog", get(list))
        .route("/blog/feed.xml", get(feed))
        .route("/blog/{slug}", get(post))
}

/// A post in a list.
pub struct PostCard {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub date: String,
    pub date_iso: String,
    pub tags: Vec<String>,
}

impl PostCard {
    pub fn new(p: &Post) -> Self {
        Self {
            slug: p.slug.clone(),
            title: p.title.clone(),
            summary: p.summary.clone(),
            date: format::long_date(p.published_on),
            date_iso: p.published_on.to_string(),
            tags: p.tags.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "site/blog.html")]
struct ListPage {
    layout: Layout,
    posts: Vec<PostCard>,
    page: u32,
    pages: u32,
    prev: Option<String>,
    next: Option<String>,
}

/// The page number of `?page=N`; `None` for anything but a positive integer.
fn page_number(query: Option<&str>) -> Option<u32> {
    let Some(q) = query else { return Some(1) };
    match form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "page") {
        None => Some(1),
        Some((_, v)) => v.parse::<u32>().ok().filter(|n| *n >= 1),
    }
}

fn page_url(n: u32) -> String {
    if n <= 1 {
        "/blog".to_owned()
    } else {
        format!("/blog?page={n}")
    }
}

async fn list(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let page = page_number(query.as_deref()).ok_or_else(PageError::not_found)?;
    let today = today(&app);
    let total = app.store.count_published_posts(today).await?;
    let pages = u32::try_from(total.div_ceil(u64::from(PER_PAGE)))
        .unwrap_or(u32::MAX)
        .max(1);
    if page > pages {
        return Err(PageError::not_found());
    }
    let posts: Vec<PostCard> = app
        .store
        .published_posts(today, (page - 1) * PER_PAGE, PER_PAGE)
        .await?
        .iter()
        .map(PostCard::new)
        .collect();
    let prev = (page > 1).then(|| page_url(page - 1));
    let next = (page < pages).then(|| page_url(page + 1));
    let base = &app.config.base_url;
    let title = if page > 1 {
        format!("Blog, page {page} of {pages}")
    } else {
        "Blog".to_owned()
    };
    let mut layout = Layout::new(&app, &title, &page_url(page))
        .describe("Plain-language articles on skin, treatments and after-care from our providers.");
    layout.prev = prev.as_ref().map(|p| format!("{base}{p}"));
    layout.next = next.as_ref().map(|n| format!("{base}{n}"));
    let body = ListPage {
        layout,
        posts,
        page,
        pages,
        prev,
        next,
    }
    .render()?;
    Ok(Html(body).into_response())
}

#[derive(Template)]
#[template(path = "site/post.html")]
struct PostPage {
    layout: Layout,
    post: PostCard,
    body_html: Arc<str>,
    hero_image: Option<String>,
    hero_alt: String,
    reading_minutes: usize,
}

async fn post(
    State(app): State<AppState>,
    Extension(cache): Extension<Arc<SiteCache>>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let Some(p) = app.store.published_post(&slug, today(&app)).await? else {
        return Err(PageError::not_found());
    };
    let path = format!("/blog/{}", p.slug);
    let body_html = cache.markdown(&format!("post:{}", p.slug), &p.body_markdown);
    let words = p.body_markdown.split_whitespace().count();
    let layout = Layout::new(&app, &p.title, &path)
        .describe(&p.summary)
        .article(p.published_on)
        .json_ld(&posting_ld(&app, &p, &path));
    let page = PostPage {
        layout,
        post: PostCard::new(&p),
        body_html,
        hero_image: p.hero_image.clone(),
        hero_alt: p.hero_alt.clone().unwrap_or_default(),
        reading_minutes: words.div_ceil(220).max(1),
    };
    html(&page)
}

/// schema.org `BlogPosting`.
fn posting_ld(app: &AppState, p: &Post, path: &str) -> serde_json::Value {
    let base = &app.config.base_url;
    let clinic = app.clinic();
    let modified = jiff::Timestamp::from_millisecond(p.updated_at_ms)
        .map_or_else(|_| p.published_on.to_string(), |t| t.to_string());
    let publisher = json!({
        "@type": "MedicalBusiness",
        "@id": format!("{base}/#clinic"),
        "name": clinic.info.name,
        "url": format!("{base}/"),
    });
    json!({
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": p.title,
        "description": p.summary,
        "datePublished": p.published_on.to_string(),
        "dateModified": modified,
        "url": format!("{base}{path}"),
        "mainEntityOfPage": format!("{base}{path}"),
        "keywords": p.tags.join(", "),
        "author": publisher.clone(),
        "publisher": publisher,
        "image": p.hero_image.as_ref().map(|i| absolute(base, i)),
    })
}

fn absolute(base: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_owned()
    } else {
        format!("{base}{url}")
    }
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `GET /blog/feed.xml`: RSS 2.0 of the latest posts.
async fn feed(State(app): State<AppState>) -> Result<Response, PageError> {
    let base = &app.config.base_url;
    let clinic = app.clinic();
    let tz = clinic
        .default_location()
        .map_or(jiff::tz::TimeZone::UTC, |l| l.zone.tz().clone());
    let posts = app
        .store
        .published_posts(today(&app), 0, FEED_ITEMS)
        .await?;
    let rfc2822 = |d: jiff::civil::Date| {
        d.at(9, 0, 0, 0)
            .to_zoned(tz.clone())
            .ok()
            .and_then(|z| jiff::fmt::rfc2822::to_string(&z).ok())
            .unwrap_or_default()
    };
    let mut xml = String::with_capacity(2048 + posts.len() * 512);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n<channel>\n");
    let _ = writeln!(xml, "<title>{} blog</title>", xml_escape(&clinic.info.name));
    let _ = writeln!(xml, "<link>{}/blog</link>", xml_escape(base));
    let _ = writeln!(
        xml,
        "<description>{}</description>",
        xml_escape(&format!("Articles from {}", clinic.info.name))
    );
    xml.push_str("<language>en-us</language>\n");
    let _ = writeln!(
        xml,
        "<atom:link href=\"{}/blog/feed.xml\" rel=\"self\" type=\"application/rss+xml\"/>",
        xml_escape(base)
    );
    if let Some(first) = posts.first() {
        let _ = writeln!(
            xml,
            "<lastBuildDate>{}</lastBuildDate>",
            rfc2822(first.published_on)
        );
    }
    for p in &posts {
        let url = xml_escape(&format!("{base}/blog/{}", p.slug));
        xml.push_str("<item>\n");
        let _ = writeln!(xml, "<title>{}</title>", xml_escape(&p.title));
        let _ = writeln!(xml, "<link>{url}</link>");
        let _ = writeln!(xml, "<guid isPermaLink=\"true\">{url}</guid>");
        let _ = writeln!(xml, "<pubDate>{}</pubDate>", rfc2822(p.published_on));
        let _ = writeln!(xml, "<description>{}</description>", xml_escape(&p.summary));
        for tag in &p.tags {
            let _ = writeln!(xml, "<category>{}</category>", xml_escape(tag));
        }
        xml.push_str("</item>\n");
    }
    xml.push_str("</channel>\n</rss>\n");
    let mut res = xml.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/rss+xml; charset=utf-8"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        assert_eq!(page_number(None), Some(1));
        assert_eq!(page_number(Some("page=3")), Some(3));
        assert_eq!(page_number(Some("utm=x")), Some(1));
        assert_eq!(page_number(Some("page=0")), None);
        assert_eq!(page_number(Some("page=abc")), None);
        assert_eq!(page_url(1), "/blog");
        assert_eq!(xml_escape("a<&>\"'"), "a&lt;&amp;&gt;&quot;&apos;");
    }
}
