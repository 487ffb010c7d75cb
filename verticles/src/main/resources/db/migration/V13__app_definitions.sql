-- Apps deployed at runtime (ADR 0012). Each app's definition (its partition count and views) as
-- last put, with a version that grows by one per change; every node applies the newest one.
CREATE TABLE app_definitions (
  app        text        PRIMARY KEY REFERENCES apps (app),
  version    bigint      NOT NULL,
  definition jsonb       NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Views removed from an app. Their names are never used again in that app: the consistency map
-- keeps the maximum of every watermark, so a new view under an old name would inherit watermarks
-- its rows do not reach. Their rows are dropped once the grace period has passed (dropped_at).
CREATE TABLE retired_views (
  app        text        NOT NULL,
  view       text        NOT NULL,
  retired_at timestamptz NOT NULL,
  dropped_at timestamptz,
  PRIMARY KEY (app, view)
);

-- Stores a definition of an app if the stored one is still at p_expected (0: none stored yet), in
-- one transaction with its partition count, its partitions' ownership rows and the views it
-- retires. The same definition again changes nothing and answers the stored version.
-- HW010: another change came first. HW011: the partition count cannot change, the app has events.
CREATE FUNCTION highwater_put_app(p_app text, p_partitions integer, p_definition jsonb, p_expected bigint,
    p_retired text[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  stored_version bigint;
  stored_definition jsonb;
  stored_partitions integer;
  new_version bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('highwater_put_app'), hashtext(p_app));
  SELECT version, definition INTO stored_version, stored_definition FROM app_definitions WHERE app = p_app;
  IF coalesce(stored_version, 0) <> p_expected THEN
    RAISE EXCEPTION 'app % is at version %, not %', p_app, coalesce(stored_version, 0), p_expected USING ERRCODE = 'HW010';
  END IF;
  IF stored_definition = p_definition THEN
    RETURN stored_version;
  END IF;
  SELECT partitions INTO stored_partitions FROM apps WHERE app = p_app;
  IF stored_partitions IS DISTINCT FROM p_partitions THEN
    IF EXISTS (SELECT 1 FROM events WHERE app = p_app) THEN
      RAISE EXCEPTION 'app % was created with % partitions and has events', p_app, stored_partitions USING ERRCODE = 'HW011';
    END IF;
    INSERT INTO apps (app, partitions) VALUES (p_app, p_partitions)
      ON CONFLICT (app) DO UPDATE SET partitions = excluded.partitions;
    DELETE FROM partition_owners WHERE app = p_app AND partition >= p_partitions;
  END IF;
  INSERT INTO partition_owners (app, partition, owner, epoch)
    SELECT p_app, p, NULL, 0 FROM generate_series(0, p_partitions - 1) AS p
    ON CONFLICT (app, partition) DO NOTHING;
  INSERT INTO retired_views (app, view, retired_at)
    SELECT p_app, v, now() FROM unnest(p_retired) AS v
    ON CONFLICT (app, view) DO NOTHING;
  INSERT INTO app_definitions (app, version, definition, updated_at) VALUES (p_app, 1, p_definition, now())
    ON CONFLICT (app) DO UPDATE SET version = app_definitions.version + 1, definition = excluded.definition, updated_at = now()
    RETURNING version INTO new_version;
  RETURN new_version;
END $$;

-- Drops the rows, members and checkpoints of views retired more than p_grace_ms ago (and of their
-- rebuild copies); answers how many views it dropped. Any node may call it; it is idempotent.
CREATE FUNCTION highwater_drop_retired_views(p_grace_ms bigint) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  dropped integer := 0;
BEGIN
  FOR r IN SELECT app, view FROM retired_views
      WHERE dropped_at IS NULL AND retired_at < now() - make_interval(secs => p_grace_ms::float8 / 1000)
      FOR UPDATE SKIP LOCKED LOOP
    DELETE FROM view_rows WHERE app = r.app AND view IN (r.view, r.view || '~rebuild');
    DELETE FROM view_members WHERE app = r.app AND view IN (r.view, r.view || '~rebuild');
    DELETE FROM checkpoints WHERE app = r.app AND entity IN ('view:' || r.view, 'view:' || r.view || '~rebuild');
    UPDATE retired_views SET dropped_at = now() WHERE app = r.app AND view = r.view;
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END $$;
