-- View rows. `offs` is the offset of the last event that changed the value; a flush only ever
-- replaces a row with a newer one, so replaying a flush changes nothing. A deleted key keeps its
-- row with the JSON value null, so its offs still guards against replays.
CREATE TABLE view_rows (
  app       text    NOT NULL,
  partition integer NOT NULL,
  view      text    NOT NULL,
  ws        text    NOT NULL,
  key       text    NOT NULL,
  value     jsonb   NOT NULL,
  offs      bigint  NOT NULL,
  PRIMARY KEY (app, partition, view, ws, key)
);
