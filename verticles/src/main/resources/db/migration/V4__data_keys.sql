-- The data keys of sealed fields (crypto-shredding): one per encryption-key trigger of a
-- workspace, stored wrapped (encrypted) under the master key. A key-expired effect deletes the row
-- in the statement that appends it: from then on the values sealed under it cannot be read.
CREATE TABLE data_keys (
  app          text    NOT NULL,
  partition    integer NOT NULL,
  ws           text    NOT NULL,
  trigger_type text    NOT NULL,
  trigger_id   text    NOT NULL,
  wrapped      bytea   NOT NULL,
  PRIMARY KEY (app, partition, ws, trigger_type, trigger_id)
);
