package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.partition.OwnedPartitions;
import io.highwater.partition.PartitionId;
import io.highwater.storage.Database;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewStore;
import io.highwater.storage.ViewValue;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V7 turns index values stored whole into member rows; they read as they did, and other values stay whole. */
class IndexRowsMigrationTest {

  private static final PartitionId P0 = new PartitionId("bookstore", 0);

  @Test
  void index_values_stored_whole_read_the_same_from_their_members() {
    String url = TestDatabase.fresh();
    URI uri = URI.create(url);
    Flyway.configure().dataSource("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(), "postgres", null)
        .locations("classpath:db/migration").target("6").load().migrate();
    TestDatabase.execute(url, """
        INSERT INTO view_rows (app, partition, view, ws, key, value, offs) VALUES
          ('bookstore', 0, 'books_by_author', 'w', 'Gibson', '{"ids": ["Count Zero", "Neuromancer"], "count": 2}', 7),
          ('bookstore', 0, 'books_by_author', 'w', 'Nobody', '{"ids": [], "count": 0}', 9),
          ('bookstore', 0, 'genre_counts', 'w', 'SciFi', '{"count": 2}', 8),
          ('bookstore', 0, 'other', 'w', 'odd', '{"ids": [1, 2], "count": 2}', 3)""");

    Vertx vertx = Vertx.vertx();
    Database db = Database.open(vertx, url, 2).await();
    try {
      ViewStore store = new ViewStore(db.pool(), new OwnedPartitions());
      ViewKey gibson = new ViewKey("w", "Gibson");
      ViewKey nobody = new ViewKey("w", "Nobody");
      Map<ViewKey, ViewValue> index = store.getAll(P0, "books_by_author", List.of(gibson, nobody)).await();
      assertThat(index.get(gibson).perMember()).isTrue();
      assertThat(index.get(gibson).value().encode()).isEqualTo("{\"ids\":[\"Count Zero\",\"Neuromancer\"],\"count\":2}");
      assertThat(index.get(gibson).offs()).isEqualTo(7);
      assertThat(index.get(nobody).value().encode()).isEqualTo("{\"ids\":[],\"count\":0}");
      assertThat(index.get(nobody).offs()).isEqualTo(9);

      ViewValue counted = store.getAll(P0, "genre_counts", List.of(new ViewKey("w", "SciFi"))).await().get(new ViewKey("w", "SciFi"));
      assertThat(counted.perMember()).isFalse();
      assertThat(counted.value().encode()).isEqualTo("{\"count\":2}");
      ViewValue odd = store.getAll(P0, "other", List.of(new ViewKey("w", "odd"))).await().get(new ViewKey("w", "odd"));
      assertThat(odd.perMember()).as("ids that are not text are no index").isFalse();
    } finally {
      db.close().await();
      vertx.close().await();
    }
  }
}
