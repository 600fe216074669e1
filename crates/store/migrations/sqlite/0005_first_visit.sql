-- The first-visit brief (issue 5): the resident's language and cultural notes, which the
-- worker reads before going, instead of the whole file.
ALTER TABLE households ADD COLUMN preferred_language TEXT;
ALTER TABLE households ADD COLUMN interpreter_needed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE households ADD COLUMN network_approach BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE households ADD COLUMN culture_note TEXT;
