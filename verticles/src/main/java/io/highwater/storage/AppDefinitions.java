package io.highwater.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The stored definitions of apps (ADR 0012), written only through {@code highwater_put_app}. */
public final class AppDefinitions {

  /** An app's definition as stored, with its version. */
  public record Stored(String app, long version, JsonObject definition) {}

  /** Another change of the app was stored first: read it and decide again. */
  public static final class ChangedMeanwhile extends RuntimeException {
    ChangedMeanwhile(String message) {
      super(message, null, false, false);
    }
  }

  /** The app has events: its partition count cannot change. */
  public static final class PartitionsFixed extends RuntimeException {
    PartitionsFixed(String message) {
      super(message, null, false, false);
    }
  }

  private static final String PUT = "SELECT highwater_put_app($1, $2::integer, $3::text::jsonb, $4::bigint, $5::text[])";
  private static final String ALL = "SELECT app, version, definition FROM app_definitions ORDER BY app";
  private static final String ONE = "SELECT app, version, definition FROM app_definitions WHERE app = $1";
  private static final String RETIRED = "SELECT view FROM retired_views WHERE app = $1";
  private static final String HAS_EVENTS = "SELECT EXISTS (SELECT 1 FROM events WHERE app = $1)";
  private static final String DROP_RETIRED = "SELECT highwater_drop_retired_views($1::bigint)";

  private final Pool pool;

  public AppDefinitions(Pool pool) {
    this.pool = pool;
  }

  /**
   * Stores {@code definition} if the stored version is still {@code expected} (0: none yet),
   * retiring the views named; answers the version now stored. Fails with {@link ChangedMeanwhile}
   * or {@link PartitionsFixed}.
   */
  public Future<Long> put(String app, int partitions, JsonObject definition, long expected, List<String> retired) {
    return pool.preparedQuery(PUT)
        .execute(Tuple.of(app, partitions, definition.encode(), expected, retired.toArray(String[]::new)))
        .map(rows -> rows.iterator().next().getLong(0))
        .recover(failure -> {
          if (failure instanceof PgException pg && "HW010".equals(pg.getSqlState())) {
            return Future.failedFuture(new ChangedMeanwhile(pg.getErrorMessage()));
          }
          if (failure instanceof PgException pg && "HW011".equals(pg.getSqlState())) {
            return Future.failedFuture(new PartitionsFixed(pg.getErrorMessage()));
          }
          return Future.failedFuture(failure);
        });
  }

  public Future<List<Stored>> all() {
    return pool.query(ALL).execute().map(rows -> {
      List<Stored> all = new ArrayList<>();
      rows.forEach(row -> all.add(stored(row)));
      return all;
    });
  }

  public Future<Optional<Stored>> get(String app) {
    return pool.preparedQuery(ONE).execute(Tuple.of(app))
        .map(rows -> rows.size() == 0 ? Optional.<Stored>empty() : Optional.of(stored(rows.iterator().next())));
  }

  /** The names of every view ever removed from the app. */
  public Future<Set<String>> retired(String app) {
    return pool.preparedQuery(RETIRED).execute(Tuple.of(app)).map(rows -> {
      Set<String> names = new LinkedHashSet<>();
      rows.forEach(row -> names.add(row.getString(0)));
      return names;
    });
  }

  public Future<Boolean> hasEvents(String app) {
    return pool.preparedQuery(HAS_EVENTS).execute(Tuple.of(app)).map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** Drops the rows of views retired more than {@code graceMs} ago; answers how many views. */
  public Future<Integer> dropRetired(long graceMs) {
    return pool.preparedQuery(DROP_RETIRED).execute(Tuple.of(graceMs)).map(rows -> rows.iterator().next().getInteger(0));
  }

  private static Stored stored(Row row) {
    Object definition = row.getValue(2);
    JsonObject json = definition instanceof JsonObject j ? j : new JsonObject(String.valueOf(definition));
    return new Stored(row.getString(0), row.getLong(1), json);
  }
}
