-- Records: each aggregate's folded state as flushed by the records actualizer. `offs` is the offset
-- of the last event applied to it; a flush only ever raises it, which makes flushes idempotent.
CREATE TABLE records (
  app        text    NOT NULL,
  partition  integer NOT NULL,
  ws         text    NOT NULL,
  agg_type   text    NOT NULL,
  agg_id     text    NOT NULL,
  state      jsonb   NOT NULL,
  offs       bigint  NOT NULL,
  first_offs bigint  NOT NULL,
  PRIMARY KEY (app, partition, ws, agg_type, agg_id)
);

-- How far each entity (records, view:<name>) of a partition is durable in storage. Written in the
-- same transaction as the rows it covers.
CREATE TABLE checkpoints (
  app       text    NOT NULL,
  partition integer NOT NULL,
  entity    text    NOT NULL,
  offs      bigint  NOT NULL,
  PRIMARY KEY (app, partition, entity)
);

-- Each app's partition count, fixed once its data exists.
CREATE TABLE apps (
  app        text    PRIMARY KEY,
  partitions integer NOT NULL
);

-- Who owns each partition, and since which epoch. A new ownership raises the epoch.
CREATE TABLE partition_owners (
  app       text    NOT NULL,
  partition integer NOT NULL,
  owner     text    NOT NULL,
  epoch     bigint  NOT NULL,
  PRIMARY KEY (app, partition)
);
