-- Key rotation (`medspa key rotate`): while a rotation runs, the key check records the key
-- it moves to as well. Instances then need both keys (MEDSPA_SECRET_KEY and
-- MEDSPA_NEW_SECRET_KEY); when every sealed value is re-sealed, the new key becomes the only
-- check value and the old key is refused. Backward compatible: an older release ignores the
-- new columns.
ALTER TABLE key_check ADD COLUMN next_check_value TEXT;
ALTER TABLE key_check ADD COLUMN rotation_started_at_ms BIGINT;

-- (PostgreSQL also gets `hold_changes` here, a change counter for the availability caches of
-- several instances; with SQLite one process owns every write and updates its cache itself.)
