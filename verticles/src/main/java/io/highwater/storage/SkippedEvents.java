package io.highwater.storage;

import io.highwater.partition.Ownerships;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.StreamSupport;

/** The events an operator skipped for a view, per partition: written fenced by epoch, read as the view starts. */
public final class SkippedEvents {

  /** One skipped event: its offset, the projector's error on it, and when it was skipped. */
  public record Skipped(long offset, String error, Instant at) {}

  private static final String RECORD = """
      INSERT INTO view_skipped_events (app, partition, view, offs, error, skipped_at)
      SELECT $1, $2, $3, $4, $5, $6 WHERE highwater_fence($1, $2, $7)
      ON CONFLICT (app, partition, view, offs) DO NOTHING""";
  private static final String ALL = """
      SELECT offs, error, skipped_at FROM view_skipped_events WHERE app = $1 AND partition = $2 AND view = $3 ORDER BY offs""";

  private final Pool pool;
  private final Ownerships owned;

  public SkippedEvents(Pool pool, Ownerships owned) {
    this.pool = pool;
    this.owned = owned;
  }

  public Future<Void> record(PartitionId partition, String view, Skipped skipped) {
    Tuple params = Tuple.of(partition.app(), partition.partition(), view, skipped.offset(), skipped.error(),
        OffsetDateTime.ofInstant(skipped.at(), ZoneOffset.UTC));
    return FencedException.write(owned, partition, epoch -> pool.preparedQuery(RECORD).execute(params.addLong(epoch)).mapEmpty());
  }

  /** Every event skipped for the view, in offset order. */
  public Future<List<Skipped>> all(PartitionId partition, String view) {
    return pool.preparedQuery(ALL).execute(Tuple.of(partition.app(), partition.partition(), view))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(SkippedEvents::skipped).toList());
  }

  private static Skipped skipped(Row row) {
    return new Skipped(row.getLong("offs"), row.getString("error"), row.getOffsetDateTime("skipped_at").toInstant());
  }
}
