//! The demo clinic's blog posts and editable pages (`/accessibility`, `/health-and-safety`),
//! embedded from `crates/demo/posts/`. Post dates are relative to the `today` the caller
//! passes in, so the blog always looks recent.

use jiff::civil::Date;
use medspa_core::time::add_days;
use medspa_store::blog::{NewPost, parse_post};
use medspa_store::pages::NewPage;

/// `(file stem, Markdown with front matter, days before today)`, newest first.
const POSTS: &[(&str, &str, i64)] = &[
    (
        "pores-and-the-halo-laser",
        include_str!("../posts/pores-and-the-halo-laser.md"),
        6,
    ),
    (
        "sunscreen-after-treatments",
        include_str!("../posts/sunscreen-after-treatments.md"),
        23,
    ),
    (
        "first-visit-what-to-expect",
        include_str!("../posts/first-visit-what-to-expect.md"),
        47,
    ),
];

/// `(slug, Markdown with a `title` front matter)` for each editable page.
const PAGES: &[(&str, &str)] = &[
    (
        "accessibility",
        include_str!("../posts/pages/accessibility.md"),
    ),
    (
        "health-and-safety",
        include_str!("../posts/pages/health-and-safety.md"),
    ),
];

/// The demo blog posts, dated relative to `today` (newest first). Write them with
/// `Store::upsert_post`.
pub fn posts(today: Date) -> Vec<NewPost> {
    POSTS
        .iter()
        .map(|(slug, text, days_ago)| {
            let mut post = parse_post(slug, text, Some(today))
                .unwrap_or_else(|e| panic!("demo post {slug} must parse: {e:?}"));
            post.published_on = add_days(today, -days_ago);
            post
        })
        .collect()
}

/// The demo's editable pages. Write them with `Store::upsert_page`.
pub fn pages() -> Vec<NewPage> {
    PAGES
        .iter()
        .map(|(slug, text)| {
            let (title, body) = split_page(text);
            NewPage {
                slug: (*slug).to_owned(),
                title: title.to_owned(),
                body_markdown: body.trim().to_owned(),
            }
        })
        .collect()
}

/// Splits a page's `---\ntitle: ...\n---` header from its body.
fn split_page(text: &str) -> (&str, &str) {
    let rest = text.strip_prefix("---\n").unwrap_or(text);
    let (meta, body) = rest.split_once("\n---\n").unwrap_or(("", rest));
    let title = meta
        .lines()
        .find_map(|l| l.strip_prefix("title:"))
        .map_or("", str::trim);
    (title, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_post_and_page_parses() {
        let today = jiff::civil::date(2026, 11, 25);
        let posts = posts(today);
        assert!(posts.len() >= 3);
        assert!(
            posts
                .iter()
                .any(|p| p.slug.as_str().contains("pores") && p.body_markdown.contains("Halo"))
        );
        assert!(posts.iter().all(|p| p.published_on < today && !p.draft));
        let pages = pages();
        assert_eq!(pages.len(), 2);
        assert!(
            pages
                .iter()
                .all(|p| !p.title.is_empty() && p.body_markdown.len() > 200)
        );
    }
}
