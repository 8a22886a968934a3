-- Shareable skin quiz results (issue 7), SQLite dialect. Same file name as migrations/postgres.
-- Only results whose answers include a health flag are kept here (the others live entirely in
-- their link), for a short time, so their link works: the answers are sealed (health data),
-- and the row is found by the SHA-256 of the link's random 128-bit id, never the id itself.

CREATE TABLE quiz_results (
    id_hash         BLOB PRIMARY KEY NOT NULL CHECK (length(id_hash) = 32),
    answers_sealed  BLOB NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    expires_at_ms   INTEGER NOT NULL,
    CHECK (expires_at_ms > created_at_ms)
);
CREATE INDEX quiz_results_expires ON quiz_results (expires_at_ms);
