-- Back-office sign-in (issue 14), SQLite dialect. Same file name as migrations/postgres.
-- Session ids and one-time tokens are random 256-bit values stored only as their SHA-256, so a
-- copy of the database signs nobody in. The link emailed with a token rides in the outbox
-- payload sealed (encrypted, AAD `outbox.link:<outbox id>`), never in clear.

-- Server-side sessions: 30 minutes idle (seen_at_ms), 12 hours absolute (expires_at_ms).
-- Deleting a user's rows ends their sessions at once (deactivation, sign out everywhere).
CREATE TABLE sessions (
    id_hash       BLOB PRIMARY KEY NOT NULL CHECK (length(id_hash) = 32),
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at_ms INTEGER NOT NULL,
    seen_at_ms    INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    ip            TEXT,
    CHECK (expires_at_ms > created_at_ms)
);
CREATE INDEX sessions_user ON sessions (user_id);

-- One-time links: an invitation (set your password) or a password reset. Used once.
CREATE TABLE user_tokens (
    token_hash    BLOB PRIMARY KEY NOT NULL CHECK (length(token_hash) = 32),
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose       TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at_ms INTEGER NOT NULL,
    expires_at_ms INTEGER NOT NULL,
    used_at_ms    INTEGER,
    CHECK (expires_at_ms > created_at_ms)
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

-- Failed sign-ins per account (normalised email, known or not), for the lockout: 5 within
-- 15 minutes lock that account for 15 minutes (login_locks).
CREATE TABLE login_failures (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email_norm TEXT NOT NULL,
    at_ms      INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email_norm, at_ms);

CREATE TABLE login_locks (
    email_norm      TEXT PRIMARY KEY NOT NULL,
    locked_until_ms INTEGER NOT NULL
);

-- When a user's account last changed (role, password, deactivation).
ALTER TABLE users ADD COLUMN updated_at_ms INTEGER NOT NULL DEFAULT 0;
