-- A view's key is the value of an aggregate's field, of any length, but a B-tree entry holds at most
-- about 2.7 kB: one long key made every flush of its view fail. Rows are now found by the SHA-256 of
-- the key's UTF-8 text, 32 bytes whatever the key, and the key itself stays in the row.

-- Immutable although convert_to is only stable: a database's encoding never changes.
CREATE FUNCTION highwater_key_digest(key text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT sha256(convert_to(key, 'UTF8')) $$;

ALTER TABLE view_rows
  ADD COLUMN key_digest bytea GENERATED ALWAYS AS (highwater_key_digest(key)) STORED NOT NULL;
ALTER TABLE view_rows DROP CONSTRAINT view_rows_pkey;
ALTER TABLE view_rows ADD PRIMARY KEY (app, partition, view, ws, key_digest);

ALTER TABLE view_members
  ADD COLUMN key_digest bytea GENERATED ALWAYS AS (highwater_key_digest(key)) STORED NOT NULL;
ALTER TABLE view_members DROP CONSTRAINT view_members_pkey;
ALTER TABLE view_members ADD PRIMARY KEY (app, partition, view, ws, key_digest, member);
