-- Online booking: the manage token sealed for links in asynchronously sent emails (the
-- lookup still goes through token_hash), consent time, and idempotency keys whose stored
-- responses are sealed (they carry the manage token).
ALTER TABLE appointments ADD COLUMN token_sealed BLOB;
ALTER TABLE appointments ADD COLUMN consent_at_ms INTEGER;
ALTER TABLE appointments ADD COLUMN cancelled_at_ms INTEGER;

CREATE TABLE idempotency_keys (
    key             TEXT PRIMARY KEY NOT NULL,
    request_hash    BLOB NOT NULL,
    response_sealed BLOB,
    appointment_id  BLOB REFERENCES appointments (id) ON DELETE CASCADE,
    created_at_ms   INTEGER NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at_ms);
