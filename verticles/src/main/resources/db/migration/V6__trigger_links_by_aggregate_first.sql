-- The links of an aggregate, led by the aggregate. Led by (app, partition, ws), this index matched
-- lookups by trigger (app, partition, ws, trigger_type, trigger_id) as far as the workspace, and under
-- a generic plan made without statistics its cost tied with the primary key's: the plan could pick it
-- and read every link of the workspace (LookupPlansTest). Now no lookup by trigger matches its leading
-- column, so those probe the primary key, and lookups by aggregate match all of its columns.
DROP INDEX trigger_links_aggregate;
CREATE INDEX trigger_links_aggregate ON trigger_links (agg_type, agg_id, ws, app, partition);
