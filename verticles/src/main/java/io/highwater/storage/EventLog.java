package io.highwater.storage;

import io.highwater.partition.Ownerships;
import io.highwater.partition.PartitionId;
import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import io.highwater.event.Event;
import io.highwater.event.EventJson;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.keys.TriggerKey;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The per-partition log in PostgreSQL: appends, lookups for conflict detection, and reads. */
public final class EventLog {

  /** A stored event that touches an aggregate: an action on it, or an effect on a trigger linked to it. */
  public record Touch(AggregateKey aggregate, StoredEvent event) {}

  /** An action linking an aggregate to a trigger. */
  public record Link(AggregateKey aggregate, Trigger trigger) {}

  /**
   * For each row of {@code checks}: does anything stored after its base offset touch that aggregate,
   * an action on it or an effect on a trigger linked to it? LIMIT 1 stops at the first one found and,
   * like OFFSET 0 below, keeps each aggregate one probe per index.
   */
  static final String TOUCHED_AFTER_BASE = """
      SELECT 1 FROM checks c
      CROSS JOIN LATERAL (
        SELECT 1 FROM events e
        WHERE e.app = $1 AND e.partition = $2 AND e.ws = c.ws AND e.agg_type = c.agg_type AND e.agg_id = c.agg_id
          AND e.agg_type IS NOT NULL AND e.offs > c.base
        UNION ALL
        SELECT 1 FROM trigger_links l
        CROSS JOIN LATERAL (
          SELECT 1 FROM events e
          WHERE e.app = $1 AND e.partition = $2 AND e.ws = l.ws AND e.trigger_type = l.trigger_type
            AND e.trigger_id = l.trigger_id AND e.trigger_type IS NOT NULL AND e.offs > c.base
          LIMIT 1) e
        WHERE l.app = $1 AND l.partition = $2 AND l.ws = c.ws AND l.agg_type = c.agg_type AND l.agg_id = c.agg_id
        LIMIT 1) t""";

  /** Every stored trigger link of the aggregates in {@code checks}, as one JSON array of [ws, type, id, trigger type, trigger id]. */
  static final String STORED_LINKS = """
      SELECT coalesce(jsonb_agg(jsonb_build_array(c.ws, c.agg_type, c.agg_id, l.trigger_type, l.trigger_id)), '[]'::jsonb)
      FROM checks c
      CROSS JOIN LATERAL (
        SELECT l.trigger_type, l.trigger_id FROM trigger_links l
        WHERE l.app = $1 AND l.partition = $2 AND l.ws = c.ws AND l.agg_type = c.agg_type AND l.agg_id = c.agg_id
        OFFSET 0) l""";

  // One statement, so one round trip and atomic without BEGIN/COMMIT: the events and their trigger links,
  // fenced by the writer's epoch (a deposed owner's statement fails whole). Every CTE sees the log as it
  // was before the statement, so the checks and the stored links it answers leave out the group itself.
  static final String APPEND = """
      WITH ev AS (
        INSERT INTO events (app, partition, offs, ws, event_id, agg_type, agg_id, trigger_type, trigger_id, body, body_bytes)
        SELECT $1, $2, t.offs, t.ws, t.event_id, t.agg_type, t.agg_id, t.trigger_type, t.trigger_id, t.body::jsonb,
          octet_length(t.body)
        FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
          AS t(offs, ws, event_id, agg_type, agg_id, trigger_type, trigger_id, body)
      ), links AS (
        INSERT INTO trigger_links (app, partition, ws, trigger_type, trigger_id, agg_type, agg_id, offs)
        SELECT $1, $2, l.ws, l.trigger_type, l.trigger_id, l.agg_type, l.agg_id, l.offs
        FROM unnest($11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::bigint[])
          AS l(ws, trigger_type, trigger_id, agg_type, agg_id, offs)
        ON CONFLICT DO NOTHING
      ), new_keys AS (
        INSERT INTO data_keys (app, partition, ws, trigger_type, trigger_id, wrapped)
        SELECT $1, $2, k.ws, k.trigger_type, k.trigger_id, k.wrapped
        FROM unnest($17::text[], $18::text[], $19::text[], $20::bytea[]) AS k(ws, trigger_type, trigger_id, wrapped)
      ), expired_keys AS (
        -- Each key found by one probe, then deleted by its row id: as a join, a generic plan made
        -- without statistics read every key of the partition (LookupPlansTest).
        DELETE FROM data_keys d
        WHERE d.ctid = ANY (ARRAY(
          SELECT k.ctid FROM unnest($21::text[], $22::text[], $23::text[]) AS x(ws, trigger_type, trigger_id)
          CROSS JOIN LATERAL (
            SELECT k.ctid FROM data_keys k
            WHERE k.app = $1 AND k.partition = $2 AND k.ws = x.ws AND k.trigger_type = x.trigger_type AND k.trigger_id = x.trigger_id
            OFFSET 0) k))
      ), checks AS (
        SELECT * FROM unnest($25::text[], $26::text[], $27::text[], $28::bigint[]) AS c(ws, agg_type, agg_id, base)
      )
      SELECT highwater_fence($1, $2, $24) AS fenced,
        highwater_untouched(NOT EXISTS (""" + TOUCHED_AFTER_BASE + """
        )) AS untouched,
        (""" + STORED_LINKS + """
        ) AS stored_links""";

  static final String LAST_OFFSET =
      "SELECT coalesce(max(offs), 0) FROM events WHERE app = $1 AND partition = $2";

  // The lookups by key below join each key to its rows through LATERAL (...) OFFSET 0: the fence keeps
  // the planner from reordering the join, so every key is one index probe whatever the statistics say.
  // A plain join, planned while a new table has no statistics yet, scanned the partition's whole log
  // for every lookup (LookupPlansTest). The IS NOT NULL conditions let the partial indexes be used.
  static final String TOUCHING = """
      SELECT t.offs, t.ws, t.body, t.touched_type, t.touched_id
      FROM unnest($3::text[], $4::text[], $5::text[]) AS a(ws, agg_type, agg_id)
      CROSS JOIN LATERAL (
        SELECT e.offs, e.ws, e.body, e.agg_type AS touched_type, e.agg_id AS touched_id
        FROM events e
        WHERE e.app = $1 AND e.partition = $2 AND e.ws = a.ws AND e.agg_type = a.agg_type AND e.agg_id = a.agg_id
          AND e.agg_type IS NOT NULL AND e.offs > $6
        UNION ALL
        SELECT e.offs, e.ws, e.body, l.agg_type, l.agg_id
        FROM trigger_links l
        CROSS JOIN LATERAL (
          SELECT e.offs, e.ws, e.body FROM events e
          WHERE e.app = $1 AND e.partition = $2 AND e.ws = l.ws AND e.trigger_type = l.trigger_type
            AND e.trigger_id = l.trigger_id AND e.trigger_type IS NOT NULL AND e.offs > $6
          OFFSET 0) e
        WHERE l.app = $1 AND l.partition = $2 AND l.ws = a.ws AND l.agg_type = a.agg_type AND l.agg_id = a.agg_id
        OFFSET 0) t
      ORDER BY 1""";

  static final String LINKS = """
      SELECT l.ws, l.agg_type, l.agg_id, l.trigger_type, l.trigger_id
      FROM unnest($3::text[], $4::text[], $5::text[]) AS a(ws, agg_type, agg_id)
      CROSS JOIN LATERAL (
        SELECT l.ws, l.agg_type, l.agg_id, l.trigger_type, l.trigger_id FROM trigger_links l
        WHERE l.app = $1 AND l.partition = $2 AND l.ws = a.ws AND l.agg_type = a.agg_type AND l.agg_id = a.agg_id
        OFFSET 0) l""";

  static final String ACTIONS_BEFORE = """
      SELECT e.offs, e.ws, e.body
      FROM unnest($3::text[], $4::text[], $5::text[]) AS a(ws, agg_type, agg_id)
      CROSS JOIN LATERAL (
        SELECT e.offs, e.ws, e.body FROM events e
        WHERE e.app = $1 AND e.partition = $2 AND e.ws = a.ws AND e.agg_type = a.agg_type AND e.agg_id = a.agg_id
          AND e.agg_type IS NOT NULL AND e.offs < $6
        OFFSET 0) e
      ORDER BY e.offs""";

  static final String LINKED = """
      SELECT l.agg_type, l.agg_id FROM trigger_links l
      WHERE l.app = $1 AND l.partition = $2 AND l.ws = $3 AND l.trigger_type = $4 AND l.trigger_id = $5
      ORDER BY l.agg_type, l.agg_id""";

  static final String BY_IDS = """
      SELECT e.offs, e.ws, e.body
      FROM unnest($3::text[]) AS i(id)
      CROSS JOIN LATERAL (
        SELECT e.offs, e.ws, e.body FROM events e
        WHERE e.app = $1 AND e.partition = $2 AND e.event_id = i.id AND e.event_id IS NOT NULL
        OFFSET 0) e""";

  static final String REPLAYS = """
      SELECT p.cause, p.offs, p.ws, p.body FROM (
        SELECT r.cause, r.offs, r.ws, r.body, sum(r.bytes) OVER (ORDER BY r.offs, r.cause) - r.bytes AS before
        FROM (
          SELECT c.cause, e.offs, e.ws, e.body, e.bytes
          FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[]) AS c(ws, trigger_type, trigger_id, cause)
          CROSS JOIN LATERAL (
            SELECT l.ws, l.agg_type, l.agg_id FROM trigger_links l
            WHERE l.app = $1 AND l.partition = $2 AND l.ws = c.ws AND l.trigger_type = c.trigger_type AND l.trigger_id = c.trigger_id
            OFFSET 0) l
          CROSS JOIN LATERAL (
            SELECT e.offs, e.ws, e.body, coalesce(e.body_bytes, pg_column_size(e.body)) AS bytes FROM events e
            WHERE e.app = $1 AND e.partition = $2 AND e.ws = l.ws AND e.agg_type = l.agg_type AND e.agg_id = l.agg_id
              AND e.agg_type IS NOT NULL AND e.offs < $7 AND e.offs >= $8
            OFFSET 0) e
          WHERE (e.offs, c.cause) > ($8, $9)) r
        ORDER BY r.offs, r.cause LIMIT $10) p
      WHERE p.before < $11
      ORDER BY p.offs, p.cause""";

  /** The most bytes of event bodies one page of the log holds (always at least one event). */
  public static final long PAGE_BYTES = 16L << 20;

  /** The most replayed actions one page of replays holds. */
  private static final int REPLAY_PAGE = 1_000;

  // Rows appended before V11 have no body_bytes: their stored size stands in.
  private static final String BODY_BYTES = "coalesce(e.body_bytes, pg_column_size(e.body))";

  private final Pool pool;
  private final Ownerships owned;

  public EventLog(Pool pool, Ownerships owned) {
    this.pool = pool;
    this.owned = owned;
  }

  public Future<Long> lastOffset(PartitionId partition) {
    return pool.preparedQuery(LAST_OFFSET)
        .execute(Tuple.of(partition.app(), partition.partition()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** A data key created by an append, wrapped under the master key. */
  public record NewKey(String ws, Trigger trigger, Buffer wrapped) {}

  /** An encryption-key trigger whose data key an appended effect destroys. */
  public record ExpiredKey(String ws, Trigger trigger) {}

  /**
   * Stores the events with their trigger links, creates the new data keys and deletes the expired
   * ones, all in one atomic statement. {@code checks} gives, for aggregates the caller has not looked
   * up, the base offset after which nothing stored may touch them; the answer is the trigger links
   * stored for each of them before this append. Fails with {@link PlanOutdated} if a check fails or an
   * event id is stored already, and with {@link FencedException} if this node no longer owns the
   * partition; then nothing was written.
   */
  public Future<Map<AggregateKey, List<Trigger>>> append(PartitionId partition, List<StoredEvent> events, List<NewKey> newKeys,
      List<ExpiredKey> expired, Map<AggregateKey, Long> checks) {
    int n = events.size();
    Long[] offs = new Long[n];
    String[] ws = new String[n];
    String[] ids = new String[n];
    String[] aggTypes = new String[n];
    String[] aggIds = new String[n];
    String[] triggerTypes = new String[n];
    String[] triggerIds = new String[n];
    String[] bodies = new String[n];
    List<StoredEvent> linking = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StoredEvent stored = events.get(i);
      Event event = stored.event();
      offs[i] = stored.offset();
      ws[i] = stored.ws();
      ids[i] = event.id();
      if (event.isAction()) {
        aggTypes[i] = event.action().aggregate().type();
        aggIds[i] = event.action().aggregate().id();
        if (!event.triggers().isEmpty()) {
          linking.add(stored);
        }
      } else {
        triggerTypes[i] = event.effect().trigger().type();
        triggerIds[i] = event.effect().trigger().id();
      }
      bodies[i] = event.toJson().encode();
    }
    List<String> lWs = new ArrayList<>();
    List<String> lTypes = new ArrayList<>();
    List<String> lIds = new ArrayList<>();
    List<String> lAggTypes = new ArrayList<>();
    List<String> lAggIds = new ArrayList<>();
    List<Long> lOffs = new ArrayList<>();
    for (StoredEvent stored : linking) {
      for (Trigger trigger : stored.event().triggers()) {
        lWs.add(stored.ws());
        lTypes.add(trigger.type());
        lIds.add(trigger.id());
        lAggTypes.add(stored.event().action().aggregate().type());
        lAggIds.add(stored.event().action().aggregate().id());
        lOffs.add(stored.offset());
      }
    }
    Tuple params = Tuple.of(partition.app(), partition.partition(), offs, ws, ids, aggTypes, aggIds, triggerTypes)
        .addArrayOfString(triggerIds)
        .addArrayOfString(bodies)
        .addArrayOfString(lWs.toArray(String[]::new))
        .addArrayOfString(lTypes.toArray(String[]::new))
        .addArrayOfString(lIds.toArray(String[]::new))
        .addArrayOfString(lAggTypes.toArray(String[]::new))
        .addArrayOfString(lAggIds.toArray(String[]::new))
        .addArrayOfLong(lOffs.toArray(Long[]::new))
        .addArrayOfString(newKeys.stream().map(NewKey::ws).toArray(String[]::new))
        .addArrayOfString(newKeys.stream().map(k -> k.trigger().type()).toArray(String[]::new))
        .addArrayOfString(newKeys.stream().map(k -> k.trigger().id()).toArray(String[]::new))
        .addArrayOfBuffer(newKeys.stream().map(NewKey::wrapped).toArray(Buffer[]::new))
        .addArrayOfString(expired.stream().map(ExpiredKey::ws).toArray(String[]::new))
        .addArrayOfString(expired.stream().map(k -> k.trigger().type()).toArray(String[]::new))
        .addArrayOfString(expired.stream().map(k -> k.trigger().id()).toArray(String[]::new));
    Map<AggregateKey, List<Trigger>> storedLinks = new HashMap<>();
    checks.keySet().forEach(key -> storedLinks.put(key, new ArrayList<>()));
    return FencedException.write(owned, partition, epoch -> pool.preparedQuery(APPEND)
        .execute(params.addLong(epoch)
            .addArrayOfString(checks.keySet().stream().map(AggregateKey::ws).toArray(String[]::new))
            .addArrayOfString(checks.keySet().stream().map(k -> k.aggregate().type()).toArray(String[]::new))
            .addArrayOfString(checks.keySet().stream().map(k -> k.aggregate().id()).toArray(String[]::new))
            .addArrayOfLong(checks.values().toArray(Long[]::new)))
        .recover(failure -> Future.failedFuture(PlanOutdated.of(failure)))
        .map(rows -> {
          for (Object link : rows.iterator().next().getJsonArray("stored_links")) {
            JsonArray l = (JsonArray) link;
            storedLinks.get(new AggregateKey(l.getString(0), new Aggregate(l.getString(1), l.getString(2))))
                .add(new Trigger(l.getString(3), l.getString(4)));
          }
          return storedLinks;
        }));
  }

  /** Every stored event after {@code offset} touching one of the aggregates, oldest first. */
  public Future<List<Touch>> touching(PartitionId partition, Collection<AggregateKey> aggregates, long offset) {
    if (aggregates.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Tuple params = aggregateParams(partition, aggregates).addLong(offset);
    return pool.preparedQuery(TOUCHING).execute(params).map(rows -> {
      List<Touch> touches = new ArrayList<>();
      for (Row row : rows) {
        StoredEvent event = storedEvent(partition, row.getLong("offs"), row.getString("ws"), row.getJsonObject("body"));
        Aggregate touched = new Aggregate(row.getString("touched_type"), row.getString("touched_id"));
        touches.add(new Touch(new AggregateKey(event.ws(), touched), event));
      }
      return touches;
    });
  }

  /** Every stored action on the aggregates before {@code offset}, oldest first: their history. */
  public Future<List<StoredEvent>> actionsBefore(PartitionId partition, Collection<AggregateKey> aggregates, long offset) {
    if (aggregates.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(ACTIONS_BEFORE)
        .execute(aggregateParams(partition, aggregates).addLong(offset))
        .map(rows -> events(partition, rows));
  }

  /**
   * Coherence's replay of an effect: the state of every aggregate linked to the effect's trigger,
   * recomputed from all its actions before the effect, oldest first.
   */
  public Future<Map<AggregateKey, RecordState>> replay(PartitionId partition, StoredEvent effect) {
    Trigger trigger = effect.event().effect().trigger();
    return pool.preparedQuery(LINKED)
        .execute(Tuple.of(partition.app(), partition.partition(), effect.ws(), trigger.type(), trigger.id()))
        .compose(rows -> {
          List<AggregateKey> linked = new ArrayList<>();
          rows.forEach(r -> linked.add(new AggregateKey(effect.ws(), new Aggregate(r.getString(0), r.getString(1)))));
          return actionsBefore(partition, linked, effect.offset()).map(history -> {
            Map<AggregateKey, RecordState> states = new LinkedHashMap<>();
            linked.forEach(key -> states.put(key, null));
            for (StoredEvent action : history) {
              AggregateKey key = new AggregateKey(action.ws(), action.event().action().aggregate());
              states.put(key, RecordState.fold(states.get(key), action.event().action().patch(), action.offset()));
            }
            return states;
          });
        });
  }

  /** The stored trigger links of the aggregates. */
  public Future<List<Link>> links(PartitionId partition, Collection<AggregateKey> aggregates) {
    if (aggregates.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(LINKS).execute(aggregateParams(partition, aggregates)).map(rows -> {
      List<Link> links = new ArrayList<>();
      for (Row row : rows) {
        links.add(new Link(
            new AggregateKey(row.getString("ws"), new Aggregate(row.getString("agg_type"), row.getString("agg_id"))),
            new Trigger(row.getString("trigger_type"), row.getString("trigger_id"))));
      }
      return links;
    });
  }

  /** The stored events carrying these idempotency ids. */
  public Future<List<StoredEvent>> byIds(PartitionId partition, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery(BY_IDS)
        .execute(Tuple.of(partition.app(), partition.partition(), ids.toArray(String[]::new)))
        .map(rows -> events(partition, rows));
  }

  /**
   * Up to {@code limit} stored events with offset {@code >= from} in offset order, restricted to
   * one workspace when {@code ws} is not null and to what {@code filter} lets through.
   */
  public Future<List<StoredEvent>> read(PartitionId partition, long from, int limit, String ws, StreamFilter filter) {
    List<Object> params = new ArrayList<>(List.of(partition.app(), partition.partition(), from));
    StringBuilder conditions = new StringBuilder("e.app = $1 AND e.partition = $2 AND e.offs >= $3");
    if (ws != null) {
      params.add(ws);
      conditions.append(" AND e.ws = $").append(params.size());
    }
    filter.appendSql(conditions, params);
    params.add(limit);
    params.add(PAGE_BYTES);
    return pool.preparedQuery(page(conditions.toString(), params.size() - 1, params.size()))
        .execute(Tuple.wrap(params))
        .map(rows -> events(partition, rows));
  }

  /**
   * The events that meet {@code conditions}, in offset order: at most as many as parameter
   * {@code limitParam} says, and only while the bytes before each stay under parameter
   * {@code bytesParam}, so that a page of big events stays small and a page is never empty. The
   * running sum streams with the index scan: rows past the limit are never read.
   */
  static String page(String conditions, int limitParam, int bytesParam) {
    return "SELECT p.offs, p.ws, p.body FROM ("
        + "SELECT e.offs, e.ws, e.body, sum(" + BODY_BYTES + ") OVER (ORDER BY e.offs) - " + BODY_BYTES + " AS before"
        + " FROM events e WHERE " + conditions + " ORDER BY e.offs LIMIT $" + limitParam + ") p"
        + " WHERE p.before < $" + bytesParam + " ORDER BY p.offs";
  }

  /** An effect of the log: where it is and the trigger it fires. */
  public record EffectAt(long offset, String ws, Trigger trigger) {}

  /**
   * The effects among the first {@code limit} events from {@code from} that {@code read} would
   * answer, without their bodies.
   */
  public Future<List<EffectAt>> effectsIn(PartitionId partition, long from, int limit, String ws, StreamFilter filter) {
    List<Object> params = new ArrayList<>(List.of(partition.app(), partition.partition(), from));
    StringBuilder conditions = new StringBuilder("e.app = $1 AND e.partition = $2 AND e.offs >= $3");
    if (ws != null) {
      params.add(ws);
      conditions.append(" AND e.ws = $").append(params.size());
    }
    filter.appendSql(conditions, params);
    params.add(limit);
    String sql = "SELECT s.offs, s.ws, s.trigger_type, s.trigger_id FROM (SELECT e.offs, e.ws, e.trigger_type, e.trigger_id"
        + " FROM events e WHERE " + conditions + " ORDER BY e.offs LIMIT $" + params.size() + ") s"
        + " WHERE s.trigger_type IS NOT NULL ORDER BY s.offs";
    return pool.preparedQuery(sql).execute(Tuple.wrap(params)).map(rows -> {
      List<EffectAt> effects = new ArrayList<>();
      for (Row row : rows) {
        effects.add(new EffectAt(row.getLong("offs"), row.getString("ws"),
            new Trigger(row.getString("trigger_type"), row.getString("trigger_id"))));
      }
      return effects;
    });
  }

  /**
   * For each effect given, the actions before {@code before} of every aggregate linked to its
   * trigger (coherence's replay), paired with the effect's offset, in the order of (offset, cause):
   * one page of them, after {@code after} (null: from the first), bounded like {@link #read}'s.
   */
  public Future<List<Replay>> replays(PartitionId partition, List<EffectAt> effects, long before, Replay after) {
    if (effects.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    int n = effects.size();
    String[] ws = new String[n];
    String[] types = new String[n];
    String[] ids = new String[n];
    Long[] causes = new Long[n];
    for (int i = 0; i < n; i++) {
      EffectAt effect = effects.get(i);
      ws[i] = effect.ws();
      types[i] = effect.trigger().type();
      ids[i] = effect.trigger().id();
      causes[i] = effect.offset();
    }
    Tuple params = Tuple.of(partition.app(), partition.partition(), ws, types, ids, causes, before)
        .addLong(after == null ? 0L : after.action().offset())
        .addLong(after == null ? 0L : after.cause())
        .addInteger(REPLAY_PAGE)
        .addLong(PAGE_BYTES);
    return pool.preparedQuery(REPLAYS).execute(params).map(rows -> {
      List<Replay> replays = new ArrayList<>();
      for (Row row : rows) {
        StoredEvent action = storedEvent(partition, row.getLong("offs"), row.getString("ws"), row.getJsonObject("body"));
        replays.add(new Replay(action, row.getLong("cause")));
      }
      return replays;
    });
  }

  /** An earlier action replayed because of the effect at offset {@code cause}. */
  public record Replay(StoredEvent action, long cause) {}

  private static Tuple aggregateParams(PartitionId partition, Collection<AggregateKey> aggregates) {
    int n = aggregates.size();
    String[] ws = new String[n];
    String[] types = new String[n];
    String[] ids = new String[n];
    int i = 0;
    for (AggregateKey key : aggregates) {
      ws[i] = key.ws();
      types[i] = key.aggregate().type();
      ids[i] = key.aggregate().id();
      i++;
    }
    return Tuple.of(partition.app(), partition.partition(), ws, types, ids);
  }

  private static List<StoredEvent> events(PartitionId partition, RowSet<Row> rows) {
    List<StoredEvent> events = new ArrayList<>(rows.size());
    for (Row row : rows) {
      events.add(storedEvent(partition, row.getLong("offs"), row.getString("ws"), row.getJsonObject("body")));
    }
    return events;
  }

  private static StoredEvent storedEvent(PartitionId partition, long offs, String ws, JsonObject body) {
    return EventJson.decodeStored(body, offs, partition.partition(), ws);
  }
}
