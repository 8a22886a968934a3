-- Shareable skin quiz results (issue 7), PostgreSQL dialect. Same file name as migrations/sqlite.
-- Only results whose answers include a health flag are kept here (the others live entirely in
-- their link), for a short time, so their link works: the answers are sealed (health data),
-- and the row is found by the SHA-256 of the link's random 128-bit id, never the id itself.

CREATE TABLE quiz_results (
    id_hash         BYTEA PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    answers_sealed  BYTEA NOT NULL,
    created_at_ms   BIGINT NOT NULL,
    expires_at_ms   BIGINT NOT NULL,
    CHECK (expires_at_ms > created_at_ms)
);
CREATE INDEX quiz_results_expires ON quiz_results (expires_at_ms);
