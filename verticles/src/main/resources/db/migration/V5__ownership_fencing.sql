-- Partition ownership across the nodes of a cluster (ADR 0005).

-- A released partition has no owner until the next one claims it under a higher epoch.
ALTER TABLE partition_owners ALTER COLUMN owner DROP NOT NULL;

-- Each node's lease: refreshed every heartbeat. A partition whose owner's lease ran out may be
-- claimed by another node; one whose owner still refreshes it may not, whatever a node's view of
-- the cluster says (a paused or cut-off node keeps its partitions until its lease ends).
CREATE TABLE nodes (
  id        text        PRIMARY KEY,
  http      text        NOT NULL,
  last_seen timestamptz NOT NULL
);

-- Every write of a partition's log, records, views and checkpoints calls this with the epoch it was
-- made under, inside its own statement. Once a newer ownership exists (or the partition was
-- released) the write fails and its transaction rolls back, whatever the writer believes. FOR SHARE
-- makes a claim wait for the writes in flight under the old epoch, and a write waiting for a claim
-- sees the new epoch when the claim commits.
CREATE FUNCTION highwater_fence(p_app text, p_partition integer, p_epoch bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  current_epoch bigint;
  current_owner text;
BEGIN
  SELECT epoch, owner INTO current_epoch, current_owner
  FROM partition_owners WHERE app = p_app AND partition = p_partition FOR SHARE;
  IF current_owner IS NULL OR current_epoch IS DISTINCT FROM p_epoch THEN
    RAISE EXCEPTION 'partition %/% is owned under epoch %, not %', p_app, p_partition, current_epoch, p_epoch
      USING ERRCODE = 'HW001';
  END IF;
  RETURN true;
END $$;
