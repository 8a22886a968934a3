-- The key check: a one-way value derived from MEDSPA_SECRET_KEY, recorded by the first
-- instance that starts on this database. An instance started with another key finds a
-- different value and refuses to start, instead of failing later on every sealed field.
CREATE TABLE key_check (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    check_value   TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);
