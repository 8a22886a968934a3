//! Markdown to safe HTML (pulldown-cmark, then ammonia), and JSON-LD data blocks.
//!
//! Every piece of Markdown on the public site (treatment descriptions, posts, pages) goes
//! through [`render`]: whatever an editor types, the output holds no script, no event handler,
//! no `style` attribute (our CSP forbids inline style) and no unknown URL scheme. Raw HTML in
//! Markdown goes through the same sanitiser, so an editor may use harmless tags (`<details>`,
//! `<sup>`) but nothing active. A level-one heading becomes level two, because the page's own
//! title is the only `<h1>`.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
    b
});

/// Renders Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_FOOTNOTES;
    let events = Parser::new_ext(markdown, options).map(|e| match e {
        Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: HeadingLevel::H2,
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
            Event::End(TagEnd::Heading(HeadingLevel::H2))
        }
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    CLEANER.clean(&out).to_string()
}

/// A JSON-LD value serialised for a `<script type="application/ld+json">` data block: `<`, `>`
/// and `&` are escaped as `\u003c`, `\u003e`, `\u0026` so no text can close the element.
pub fn json_ld(value: &serde_json::Value) -> String {
    let raw = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned());
    raw.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_anything_active() {
        let out = render(
            "# Title\n\nHi <script>alert(1)</script> [x](javascript:alert(1)) \
             <b onclick=\"x\" style=\"color:red\">b</b>\n\n[ok](https://example.com)",
        );
        assert!(out.contains("<h2>Title</h2>"), "{out}");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(!out.contains("onclick") && !out.contains("style="), "{out}");
        assert!(out.contains("rel=\"noopener noreferrer\""), "{out}");
    }

    #[test]
    fn json_ld_cannot_close_the_script() {
        let v = serde_json::json!({"name": "</script><b>&"});
        let s = json_ld(&v);
        assert!(!s.contains('<') && !s.contains('>'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
