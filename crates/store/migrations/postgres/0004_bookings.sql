-- Online booking: the manage token sealed for links in asynchronously sent emails (the
-- lookup still goes through token_hash), consent time, and idempotency keys whose stored
-- responses are sealed (they carry the manage token).
ALTER TABLE appointments ADD COLUMN token_sealed BYTEA;
ALTER TABLE appointments ADD COLUMN consent_at_ms BIGINT;
ALTER TABLE appointments ADD COLUMN cancelled_at_ms BIGINT;

CREATE TABLE idempotency_keys (
    key             TEXT PRIMARY KEY,
    request_hash    BYTEA NOT NULL,
    response_sealed BYTEA,
    appointment_id  UUID REFERENCES appointments (id) ON DELETE CASCADE,
    created_at_ms   BIGINT NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at_ms);
