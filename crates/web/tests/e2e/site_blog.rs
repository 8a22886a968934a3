//! The blog through the real HTTP server: list, pagination, posts, 404s, RSS 2.0, sitemap
//! and robots.txt. Feeds are parsed as XML, not matched as strings.

use crate::app_test;
use crate::common;
use crate::site_pages::{json_ld, page};

use common::TestApp;
use medspa_core::input::Slug;
use medspa_store::blog::NewPost;
use reqwest::StatusCode;

/// A minimal XML tree, built with quick-xml (which rejects mismatched tags).
#[derive(Debug, Default)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn parse(xml: &str) -> Node {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut stack = vec![Node::default()];
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => stack.push(Node::open(&e)),
                Event::Empty(e) => {
                    let n = Node::open(&e);
                    stack.last_mut().unwrap().children.push(n);
                }
                Event::End(_) => {
                    let n = stack.pop().unwrap();
                    stack.last_mut().unwrap().children.push(n);
                }
                Event::Text(t) => stack
                    .last_mut()
                    .unwrap()
                    .text
                    .push_str(&t.decode().unwrap()),
                Event::GeneralRef(r) => {
                    let name = r.decode().unwrap();
                    let c = quick_xml::escape::resolve_predefined_entity(&name).expect("entity");
                    stack.last_mut().unwrap().text.push_str(c);
                }
                Event::CData(c) => stack
                    .last_mut()
                    .unwrap()
                    .text
                    .push_str(&String::from_utf8_lossy(&c)),
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(stack.len(), 1, "unclosed elements");
        stack.pop().unwrap().children.pop().expect("a root element")
    }

    fn open(e: &quick_xml::events::BytesStart<'_>) -> Node {
        Node {
            name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
            attrs: e
                .attributes()
                .map(|a| {
                    let a = a.unwrap();
                    (
                        String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                        a.unescape_value().unwrap().into_owned(),
                    )
                })
                .collect(),
            ..Node::default()
        }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

async fn blog_lists_posts_newest_first(app: TestApp) {
    let body = page(&app, "/blog").await;
    assert!(body.contains("<h1>Blog"));
    let pores = body
        .find("Enlarged pores and the Halo laser")
        .expect("pores post");
    let sunscreen = body
        .find("Why we talk about sunscreen so much")
        .expect("sunscreen");
    let first = body
        .find("Your first visit: what to expect")
        .expect("first visit");
    assert!(pores < sunscreen && sunscreen < first, "newest first");
    assert!(body.contains("href=\"/blog/pores-and-the-halo-laser\""));
    assert!(!body.contains("rel=\"next\""), "one page only");
}

async fn post_page_renders_markdown_and_metadata(app: TestApp) {
    let body = page(&app, "/blog/pores-and-the-halo-laser").await;
    assert!(body.contains(
        "<h1 id=\"post-title\">Enlarged pores and the Halo laser: what can really change</h1>"
    ));
    assert!(
        body.contains("<h2>First, what a pore is</h2>"),
        "Markdown rendered"
    );
    assert!(body.contains("<a href=\"/treatments/halo\""), "links kept");
    assert!(body.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(body.contains("article:published_time\" content=\"2026-11-19\""));
    let ld = json_ld(&body);
    let post = ld
        .iter()
        .find(|v| v["@type"] == "BlogPosting")
        .expect("BlogPosting");
    assert_eq!(
        post["headline"],
        "Enlarged pores and the Halo laser: what can really change"
    );
    assert_eq!(post["datePublished"], "2026-11-19");
    assert_eq!(post["publisher"]["@type"], "MedicalBusiness");
    assert_eq!(
        post["mainEntityOfPage"],
        format!("{}/blog/pores-and-the-halo-laser", app.base)
    );
}

fn post(slug: &str, days_ago: i64, draft: bool) -> NewPost {
    let today = jiff::civil::date(2026, 11, 25);
    NewPost {
        slug: Slug::parse(slug, "slug").unwrap(),
        title: format!("Post {slug}"),
        summary: "A summary.".into(),
        body_markdown: "Some *text*.".into(),
        tags: vec!["test".into()],
        hero_image: None,
        hero_alt: None,
        published_on: medspa_core::time::add_days(today, -days_ago),
        draft,
    }
}

async fn drafts_and_future_posts_stay_hidden(app: TestApp) {
    let store = &app.state.store;
    store
        .upsert_post(&post("a-draft", 1, true), 0)
        .await
        .unwrap();
    store
        .upsert_post(&post("tomorrow", -1, false), 0)
        .await
        .unwrap();
    for path in ["/blog/a-draft", "/blog/tomorrow", "/blog/never-written"] {
        assert_eq!(
            app.get(path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let body = page(&app, "/blog").await;
    assert!(!body.contains("a-draft") && !body.contains("tomorrow"));
}

async fn blog_paginates_ten_a_page(app: TestApp) {
    for i in 0..25 {
        let p = post(&format!("extra-{i:02}"), 60 + i, false);
        app.state.store.upsert_post(&p, 0).await.unwrap();
    }
    // 3 demo posts + 25 = 28 posts: pages of 10, 10, 8.
    let one = page(&app, "/blog").await;
    assert_eq!(one.matches("<article class=\"post-item\"").count(), 10);
    assert!(one.contains(&format!(
        "<link rel=\"next\" href=\"{}/blog?page=2\">",
        app.base
    )));
    assert!(!one.contains("rel=\"prev\""));
    let two = page(&app, "/blog?page=2").await;
    assert_eq!(two.matches("<article class=\"post-item\"").count(), 10);
    assert!(two.contains("<a rel=\"prev\" href=\"/blog\">"));
    assert!(two.contains("<a rel=\"next\" href=\"/blog?page=3\">"));
    assert!(two.contains(&format!(
        "<link rel=\"canonical\" href=\"{}/blog?page=2\">",
        app.base
    )));
    let three = page(&app, "/blog?page=3").await;
    assert_eq!(three.matches("<article class=\"post-item\"").count(), 8);
    assert!(three.contains("Page 3 of 3"));
    assert!(!three.contains("rel=\"next\""));
    for bad in [
        "/blog?page=4",
        "/blog?page=0",
        "/blog?page=abc",
        "/blog?page=-1",
    ] {
        assert_eq!(app.get(bad).await.status(), StatusCode::NOT_FOUND, "{bad}");
    }
}

async fn empty_blog_says_so(app: TestApp) {
    app.db
        .raw_execute("DELETE FROM blog_posts", &[], &[])
        .await
        .unwrap();
    let body = page(&app, "/blog").await;
    assert!(body.contains("No posts yet"));
    assert_eq!(
        app.get("/blog?page=2").await.status(),
        StatusCode::NOT_FOUND
    );
    let feed = Node::parse(&app.get("/blog/feed.xml").await.text().await.unwrap());
    assert_eq!(feed.child("channel").unwrap().all("item").count(), 0);
}

async fn rss_feed_is_rss_2(app: TestApp) {
    let res = app.get("/blog/feed.xml").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/rss+xml")
    );
    let rss = Node::parse(&res.text().await.unwrap());
    assert_eq!(rss.name, "rss");
    assert_eq!(rss.attr("version"), Some("2.0"));
    let channel = rss.child("channel").expect("channel");
    for required in ["title", "link", "description"] {
        assert!(
            !channel.child(required).unwrap().text.is_empty(),
            "{required}"
        );
    }
    assert_eq!(
        channel.child("link").unwrap().text,
        format!("{}/blog", app.base)
    );
    let items: Vec<_> = channel.all("item").collect();
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[0].child("title").unwrap().text,
        "Enlarged pores and the Halo laser: what can really change"
    );
    for item in &items {
        let link = &item.child("link").unwrap().text;
        assert!(link.starts_with(&format!("{}/blog/", app.base)), "{link}");
        assert_eq!(&item.child("guid").unwrap().text, link);
        let date = &item.child("pubDate").unwrap().text;
        jiff::fmt::rfc2822::parse(date).expect("RFC 2822 pubDate");
        assert!(!item.child("description").unwrap().text.is_empty());
    }
}

async fn sitemap_lists_every_public_page_and_post(app: TestApp) {
    let res = app.get("/sitemap.xml").await;
    assert_eq!(res.status(), StatusCode::OK);
    let urlset = Node::parse(&res.text().await.unwrap());
    assert_eq!(urlset.name, "urlset");
    assert_eq!(
        urlset.attr("xmlns"),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let locs: Vec<String> = urlset
        .all("url")
        .map(|u| u.child("loc").unwrap().text.clone())
        .collect();
    let mut expected: Vec<String> = [
        "/",
        "/treatments",
        "/blog",
        "/contact",
        "/accessibility",
        "/health-and-safety",
        "/quiz",
        "/book",
        "/book/consultation",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    expected.extend(
        app.state
            .clinic()
            .services
            .iter()
            .map(|s| format!("/treatments/{}", s.slug)),
    );
    expected.extend(
        medspa_demo::posts(jiff::civil::date(2026, 11, 25))
            .iter()
            .map(|p| format!("/blog/{}", p.slug)),
    );
    for path in &expected {
        assert!(
            locs.contains(&format!("{}{path}", app.base)),
            "sitemap lacks {path}"
        );
    }
    // Every page of ours it lists is really there.
    for loc in &locs {
        let path = loc.strip_prefix(&app.base).unwrap();
        if path.starts_with("/book") || path == "/quiz" {
            continue; // built by the booking flow and the quiz
        }
        assert_eq!(app.get(path).await.status(), StatusCode::OK, "{path}");
    }
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", app.base)));
    assert!(robots.contains("Disallow: /admin/"));
}

async fn posts_import_from_a_folder(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "winter-skin.md",
        "---\ntitle: Winter skin\ndate: 2026-11-20\nsummary: Dry air.\ntags: winter\n---\n\
         Use a *richer* moisturiser.\n",
    );
    write("broken.md", "no front matter here");
    write("notes.txt", "not a post");
    let today = jiff::civil::date(2026, 11, 25);
    let store = &app.state.store;
    let report = store
        .import_posts_from_dir(dir.path(), today, 1)
        .await
        .unwrap();
    assert_eq!(report.imported, vec!["winter-skin".to_owned()]);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].0, "broken.md");
    let body = page(&app, "/blog/winter-skin").await;
    assert!(
        body.contains("Use a <em>richer</em> moisturiser."),
        "{body}"
    );
    // Importing an edited file replaces the post, and the page shows the edit at once.
    write(
        "winter-skin.md",
        "---\ntitle: Winter skin\ndate: 2026-11-20\n---\nUse a *thicker* cream.\n",
    );
    let report = store
        .import_posts_from_dir(dir.path(), today, 1)
        .await
        .unwrap();
    assert_eq!(report.imported.len(), 1);
    let body = page(&app, "/blog/winter-skin").await;
    assert!(body.contains("Use a <em>thicker</em> cream."), "{body}");
    assert!(
        store
            .import_posts_from_dir(&dir.path().join("missing"), today, 1)
            .await
            .is_err()
    );
}

app_test!(
    blog_lists_posts_newest_first,
    post_page_renders_markdown_and_metadata,
    drafts_and_future_posts_stay_hidden,
    blog_paginates_ten_a_page,
    empty_blog_says_so,
    rss_feed_is_rss_2,
    sitemap_lists_every_public_page_and_post,
    posts_import_from_a_folder
);
