package io.highwater.storage;

import io.highwater.cluster.PartitionId;
import io.highwater.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** What the database knows of apps and partitions: fixed partition counts and ownership epochs. */
public final class Catalog {

  private static final String REGISTER_APP = """
      WITH ins AS (INSERT INTO apps (app, partitions) VALUES ($1, $2) ON CONFLICT (app) DO NOTHING RETURNING partitions)
      SELECT partitions FROM ins UNION ALL SELECT partitions FROM apps WHERE app = $1""";

  private static final String CLAIM = """
      INSERT INTO partition_owners (app, partition, owner, epoch) VALUES ($1, $2, $3, 1)
      ON CONFLICT (app, partition) DO UPDATE SET owner = excluded.owner, epoch = partition_owners.epoch + 1
      RETURNING epoch""";

  private final Pool pool;

  public Catalog(Pool pool) {
    this.pool = pool;
  }

  /** Records the app's partition count, or fails if its data was made with another one. */
  public Future<Void> registerApp(AppConfig app) {
    return pool.preparedQuery(REGISTER_APP).execute(Tuple.of(app.name(), app.partitions())).compose(rows -> {
      int stored = rows.iterator().next().getInteger(0);
      if (stored != app.partitions()) {
        return Future.failedFuture(new IllegalStateException("app '" + app.name() + "' was created with " + stored
            + " partitions; its data is placed by that count, so it cannot run with " + app.partitions()));
      }
      return Future.succeededFuture();
    });
  }

  /** Makes {@code owner} the partition's owner under a new, higher epoch, and returns it. */
  public Future<Long> claim(PartitionId partition, String owner) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(partition.app(), partition.partition(), owner))
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
