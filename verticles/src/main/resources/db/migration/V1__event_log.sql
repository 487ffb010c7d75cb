-- The log: one row per event, gapless offsets per (app, partition). The whole event as stored is in
-- `body`; the columns beside it are what conflict detection, filters and replay look up by index.
CREATE TABLE events (
  app          text        NOT NULL,
  partition    integer     NOT NULL,
  offs         bigint      NOT NULL,
  ws           text        NOT NULL,
  event_id     text,
  agg_type     text,
  agg_id       text,
  trigger_type text,
  trigger_id   text,
  body         jsonb       NOT NULL,
  PRIMARY KEY (app, partition, offs),
  CHECK ((agg_type IS NULL) = (agg_id IS NULL)),
  CHECK ((trigger_type IS NULL) = (trigger_id IS NULL)),
  -- an action names an aggregate, an effect names a trigger: never both
  CHECK ((agg_type IS NULL) <> (trigger_type IS NULL))
);

-- Idempotent appends: an event id is stored at most once per partition.
CREATE UNIQUE INDEX events_event_id ON events (app, partition, event_id) WHERE event_id IS NOT NULL;

-- Conflict detection and aggregate filters: the actions on one aggregate, newest last.
CREATE INDEX events_aggregate ON events (app, partition, ws, agg_type, agg_id, offs) WHERE agg_type IS NOT NULL;

-- Effects by the trigger they fire.
CREATE INDEX events_effect ON events (app, partition, ws, trigger_type, trigger_id, offs) WHERE trigger_type IS NOT NULL;

-- Which aggregates an action linked to which trigger (coherence's triggers table), with the first
-- offset that made the link.
CREATE TABLE trigger_links (
  app          text    NOT NULL,
  partition    integer NOT NULL,
  ws           text    NOT NULL,
  trigger_type text    NOT NULL,
  trigger_id   text    NOT NULL,
  agg_type     text    NOT NULL,
  agg_id       text    NOT NULL,
  offs         bigint  NOT NULL,
  PRIMARY KEY (app, partition, ws, trigger_type, trigger_id, agg_type, agg_id)
);

CREATE INDEX trigger_links_aggregate ON trigger_links (app, partition, ws, agg_type, agg_id);
