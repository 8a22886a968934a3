-- Holds are appointment-length: at most one day. With that bound in the schema, every overlap
-- check reads only the holds that start within a day before the new one (an index range), so
-- its cost does not grow with the years of history behind it.
CREATE TRIGGER holds_max_length_insert
BEFORE INSERT ON holds
WHEN NEW.ends_at_ms - NEW.starts_at_ms > 86400000
BEGIN
    SELECT RAISE(ABORT, 'holds_max_length');
END;

CREATE TRIGGER holds_max_length_update
BEFORE UPDATE OF starts_at_ms, ends_at_ms ON holds
WHEN NEW.ends_at_ms - NEW.starts_at_ms > 86400000
BEGIN
    SELECT RAISE(ABORT, 'holds_max_length');
END;

DROP TRIGGER holds_no_overlap_insert;
CREATE TRIGGER holds_no_overlap_insert
BEFORE INSERT ON holds
WHEN NEW.active = 1 AND EXISTS (
    SELECT 1 FROM holds h
    WHERE h.resource_id = NEW.resource_id AND h.active = 1
      AND h.starts_at_ms > NEW.starts_at_ms - 86400000
      AND h.starts_at_ms < NEW.ends_at_ms AND NEW.starts_at_ms < h.ends_at_ms
)
BEGIN
    SELECT RAISE(ABORT, 'holds_no_overlap');
END;

DROP TRIGGER holds_no_overlap_update;
CREATE TRIGGER holds_no_overlap_update
BEFORE UPDATE OF active, starts_at_ms, ends_at_ms, resource_id ON holds
WHEN NEW.active = 1 AND EXISTS (
    SELECT 1 FROM holds h
    WHERE h.resource_id = NEW.resource_id AND h.active = 1 AND h.id <> NEW.id
      AND h.starts_at_ms > NEW.starts_at_ms - 86400000
      AND h.starts_at_ms < NEW.ends_at_ms AND NEW.starts_at_ms < h.ends_at_ms
)
BEGIN
    SELECT RAISE(ABORT, 'holds_no_overlap');
END;
