package io.highwater.storage;

import io.highwater.partition.Ownership;
import io.highwater.partition.PartitionId;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the database knows of partitions: owners and their epochs, node leases. */
public final class Catalog {

  // A partition may be claimed when it is released, already ours, or its owner's lease ran out.
  private static final String CLAIM = """
      UPDATE partition_owners o SET owner = $3, epoch = o.epoch + 1
      WHERE o.app = $1 AND o.partition = $2 AND (o.owner IS NULL OR o.owner = $3 OR NOT EXISTS (
        SELECT 1 FROM nodes n WHERE n.id = o.owner AND n.last_seen > now() - make_interval(secs => $4::float8 / 1000)))
      RETURNING o.epoch""";

  private static final String RELEASE =
      "UPDATE partition_owners SET owner = NULL WHERE app = $1 AND partition = $2 AND owner = $3 AND epoch = $4";

  private static final String ADOPT =
      "UPDATE partition_owners SET owner = $4 WHERE app = $1 AND partition = $2 AND owner = $3 AND epoch = $5";

  private static final String HEARTBEAT = """
      INSERT INTO nodes (id, http, last_seen) VALUES ($1, $2, now())
      ON CONFLICT (id) DO UPDATE SET http = excluded.http, last_seen = now()""";

  private static final String LEAVE = "DELETE FROM nodes WHERE id = $1";

  private static final String OWNERS = "SELECT app, partition, owner, epoch FROM partition_owners ORDER BY app, partition";

  private final Pool pool;

  public Catalog(Pool pool) {
    this.pool = pool;
  }

  /** Makes {@code owner} the partition's owner under a new, higher epoch; empty if another node holds it. */
  public Future<Optional<Long>> claim(PartitionId partition, String owner, long leaseMs) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(partition.app(), partition.partition(), owner, leaseMs))
        .map(rows -> rows.size() == 0 ? Optional.<Long>empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /** Gives the partition up, if {@code owner} still holds it under {@code epoch}, so the next owner need not wait. */
  public Future<Void> release(PartitionId partition, String owner, long epoch) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(partition.app(), partition.partition(), owner, epoch)).mapEmpty();
  }

  /**
   * Moves the partition, still under {@code epoch}, from this node's former id to its present one
   * (a member that rejoins after a split-brain merge comes back under a new id); false when the
   * partition is no longer held under that id and epoch.
   */
  public Future<Boolean> adopt(PartitionId partition, String formerOwner, String owner, long epoch) {
    return pool.preparedQuery(ADOPT)
        .execute(Tuple.of(partition.app(), partition.partition(), formerOwner, owner, epoch))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Renews the node's lease. */
  public Future<Void> heartbeat(String node, String http) {
    return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(node, http)).mapEmpty();
  }

  /** Ends the node's lease at once (a graceful leave). */
  public Future<Void> leave(String node) {
    return pool.preparedQuery(LEAVE).execute(Tuple.of(node)).mapEmpty();
  }

  /** Every partition's owner (null while released) and epoch, as PostgreSQL has them. */
  public Future<List<Ownership>> owners() {
    return pool.query(OWNERS).execute().map(rows -> {
      List<Ownership> owners = new ArrayList<>();
      for (Row row : rows) {
        owners.add(new Ownership(new PartitionId(row.getString(0), row.getInteger(1)), row.getString(2), row.getLong(3)));
      }
      return owners;
    });
  }
}
