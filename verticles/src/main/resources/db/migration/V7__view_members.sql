-- The values of per-member views (ADR 0007), one row per member of a key, so that a change of one
-- member writes one row whatever the key's size. Idempotent by offs like view_rows: a member that
-- left keeps its row with present false, so a replayed earlier join cannot bring it back, and a key
-- whose members all left still exists (its offs is that of its latest member change).
CREATE TABLE view_members (
  app       text    NOT NULL,
  partition integer NOT NULL,
  view      text    NOT NULL,
  ws        text    NOT NULL,
  key       text    NOT NULL,
  member    text    NOT NULL,
  present   boolean NOT NULL,
  offs      bigint  NOT NULL,
  PRIMARY KEY (app, partition, view, ws, key, member)
);

-- The values of index views stored whole until now, {"ids": [ids], "count": n}, become member rows
-- at the row's offs. A key left empty keeps one row that is no member: aggregate ids are never ''.
CREATE TEMPORARY TABLE index_rows ON COMMIT DROP AS
  SELECT app, partition, view, ws, key, value, offs FROM view_rows
  WHERE jsonb_typeof(value) = 'object' AND jsonb_typeof(value -> 'ids') = 'array'
    AND value - 'ids' - 'count' = '{}'::jsonb AND jsonb_typeof(value -> 'count') = 'number'
    AND (value ->> 'count')::numeric = jsonb_array_length(value -> 'ids')
    AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(value -> 'ids') id WHERE jsonb_typeof(id) <> 'string' OR id #>> '{}' = '');

INSERT INTO view_members (app, partition, view, ws, key, member, present, offs)
SELECT DISTINCT r.app, r.partition, r.view, r.ws, r.key, id, true, r.offs
FROM index_rows r CROSS JOIN LATERAL jsonb_array_elements_text(r.value -> 'ids') id;

INSERT INTO view_members (app, partition, view, ws, key, member, present, offs)
SELECT app, partition, view, ws, key, '', false, offs FROM index_rows WHERE jsonb_array_length(value -> 'ids') = 0;

DELETE FROM view_rows v USING index_rows r
WHERE v.app = r.app AND v.partition = r.partition AND v.view = r.view AND v.ws = r.ws AND v.key = r.key;
