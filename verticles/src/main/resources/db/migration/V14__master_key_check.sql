-- The key check value of the master key that wraps data_keys: a start with another key is refused
-- instead of failing every sealed read. One row; a database made before this gets it on its next start.
CREATE TABLE master_key_check (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  key_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
