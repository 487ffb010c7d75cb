package io.highwater.coordinator;

import io.highwater.watermark.PartitionConsistency;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an owner's latest state into the cluster map, off the path of the appends: one write in
 * flight at a time, the states offered meanwhile coalesced into the next one (only the latest
 * matters, each is a whole copy), a failed write tried again later. Use it from one context only.
 */
final class CopyWriter {

  private static final Logger LOG = LoggerFactory.getLogger(CopyWriter.class);
  static final long RETRY_MS = 500;

  private final Vertx vertx;
  private final Target map;
  private final PartitionId partition;
  private PartitionConsistency latest;
  private PartitionConsistency written;
  private boolean writing;
  private boolean stopped;
  private Promise<Void> caughtUp;

  /** Where the copies go: {@link ConsistencyMap#publish}. */
  @FunctionalInterface
  interface Target {
    Future<PartitionConsistency> publish(PartitionId partition, PartitionConsistency copy);
  }

  CopyWriter(Vertx vertx, Target map, PartitionId partition) {
    this.vertx = vertx;
    this.map = map;
    this.partition = partition;
  }

  void offer(PartitionConsistency state) {
    latest = state;
    writeNext();
  }

  /** Once the latest state offered is in the map, or after {@code limitMs}; then writes no more. */
  Future<Void> stop(long limitMs) {
    Future<Void> done;
    if (latest == null || latest.equals(written)) {
      done = Future.succeededFuture();
    } else {
      caughtUp = caughtUp == null ? Promise.promise() : caughtUp;
      done = caughtUp.future().timeout(limitMs, TimeUnit.MILLISECONDS);
    }
    return done.recover(e -> {
      LOG.warn("The last consistency of {} did not reach the cluster map; the next owner starts from PostgreSQL's checkpoints", partition);
      return Future.succeededFuture();
    }).onComplete(v -> stopped = true);
  }

  private void writeNext() {
    if (writing || stopped || latest == null || latest.equals(written)) {
      return;
    }
    writing = true;
    PartitionConsistency copy = latest;
    map.publish(partition, copy).onComplete(ar -> {
      writing = false;
      if (ar.succeeded()) {
        written = copy;
        if (copy.equals(latest) && caughtUp != null) {
          caughtUp.tryComplete();
        }
        writeNext();
      } else {
        LOG.debug("Writing the consistency of {} to the cluster map failed; trying again in {} ms", partition, RETRY_MS, ar.cause());
        vertx.setTimer(RETRY_MS, t -> writeNext());
      }
    });
  }
}
