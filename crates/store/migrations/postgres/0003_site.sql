-- Public website content (issue 6), PostgreSQL dialect. Same file name as migrations/sqlite.
-- Blog posts and editable pages are Markdown, rendered and sanitised by the web layer.

CREATE TABLE blog_posts (
    id             UUID PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 80),
    title          TEXT NOT NULL CHECK (length(title) > 0),
    summary        TEXT NOT NULL DEFAULT '',
    body_markdown  TEXT NOT NULL,
    -- Tags as a JSON array of strings.
    tags_json      TEXT NOT NULL DEFAULT '[]',
    hero_image     TEXT,
    hero_alt       TEXT,
    -- The civil publication date ('YYYY-MM-DD') in the clinic's zone; hidden until then.
    published_on   TEXT NOT NULL,
    draft          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at_ms  BIGINT NOT NULL,
    updated_at_ms  BIGINT NOT NULL,
    CHECK (hero_image IS NULL OR length(hero_alt) > 0)
);
CREATE INDEX blog_posts_published ON blog_posts (draft, published_on DESC, slug);

-- Editable public pages (/accessibility, /health-and-safety).
CREATE TABLE pages (
    slug           TEXT PRIMARY KEY CHECK (length(slug) BETWEEN 1 AND 80),
    title          TEXT NOT NULL CHECK (length(title) > 0),
    body_markdown  TEXT NOT NULL,
    updated_at_ms  BIGINT NOT NULL
);

-- Messages from the contact form. Contact details are personal data; the message itself may
-- mention health, so it is sealed (encrypted with the field key) like other health data.
CREATE TABLE contact_messages (
    id              UUID PRIMARY KEY,
    name            TEXT NOT NULL CHECK (length(name) > 0),
    email           TEXT NOT NULL CHECK (length(email) > 0),
    phone           TEXT,
    message_sealed  BYTEA NOT NULL,
    received_at_ms  BIGINT NOT NULL,
    read_at_ms      BIGINT
);
CREATE INDEX contact_messages_received ON contact_messages (received_at_ms DESC);
