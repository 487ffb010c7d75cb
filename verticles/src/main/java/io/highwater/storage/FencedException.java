package io.highwater.storage;

import io.highwater.partition.Ownerships;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;

/**
 * A write refused because this node does not own the partition under the epoch in PostgreSQL any
 * more: another node claimed it. Nothing of the write was stored.
 */
public final class FencedException extends RuntimeException {

  /** The SQLSTATE {@code highwater_fence} raises (migration V5). */
  static final String SQL_STATE = "HW001";

  private final PartitionId partition;
  private final long epoch;

  FencedException(PartitionId partition, long epoch, String message) {
    super(message, null, false, false);
    this.partition = partition;
    this.epoch = epoch;
  }

  public PartitionId partition() {
    return partition;
  }

  /** The epoch the refused write was made under (0: this node did not own the partition at all). */
  public long epoch() {
    return epoch;
  }

  /** What a verticle whose write was refused tells its node: which ownership ended. */
  public JsonObject deposal() {
    return new JsonObject().put("partition", partition.key()).put("epoch", epoch);
  }

  public static boolean is(Throwable failure) {
    return failure instanceof FencedException;
  }

  /** The epoch this node writes the partition under, or a failure if it does not own it. */
  static long epoch(Ownerships owned, PartitionId partition) {
    return owned.get(partition)
        .orElseThrow(() -> new FencedException(partition, 0, "this node does not own partition " + partition))
        .epoch();
  }

  /** Runs a fenced write, turning PostgreSQL's refusal into a {@link FencedException}. */
  static <T> Future<T> write(Ownerships owned, PartitionId partition, java.util.function.LongFunction<Future<T>> write) {
    long epoch;
    try {
      epoch = epoch(owned, partition);
    } catch (FencedException e) {
      return Future.failedFuture(e);
    }
    return write.apply(epoch).recover(failure -> Future.failedFuture(
        failure instanceof PgException pg && SQL_STATE.equals(pg.getSqlState())
            ? new FencedException(partition, epoch, pg.getErrorMessage())
            : failure));
  }
}
