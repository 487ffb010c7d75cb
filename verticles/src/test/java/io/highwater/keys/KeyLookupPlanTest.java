package io.highwater.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.it.LookupPlans;
import io.highwater.it.LookupPlans.Seeded;
import io.highwater.it.LookupPlans.Statistics;
import io.highwater.storage.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Finding data keys probes their index, even on a table without statistics (see LookupPlansTest). */
class KeyLookupPlanTest {

  @Test
  void findingKeysProbesTheIndex() {
    Vertx vertx = Vertx.vertx();
    Database db = LookupPlans.seeded(vertx);
    try {
      long buffers = LookupPlans.buffersTouched(db, KeyRing.FIND, Tuple.of("bookstore", 0,
          new String[] {"ws-0", "ws-2", "ws-3"}, new String[] {"order", "order", "order"}, new String[] {"o1", "o-absent", "o3"}));
      assertThat(buffers).isLessThanOrEqualTo(36);
    } finally {
      db.close().await();
      vertx.close().await();
    }
  }

  /** The same under the generic plan (see LookupPlansTest), at 10^5 rows and tenfold: the bound does not grow. */
  @ParameterizedTest
  @EnumSource(Statistics.class)
  void findingKeysProbesTheIndexUnderTheGenericPlan(Statistics statistics) {
    Vertx vertx = Vertx.vertx();
    Seeded seeded = LookupPlans.seeded(vertx, statistics);
    try {
      Object[] params = {"bookstore", 0, new String[] {"ws-0", "ws-2", "ws-3"}, new String[] {"order", "order", "order"},
          new String[] {"o1", "o-absent", "o3"}};
      assertThat(LookupPlans.genericBuffers(seeded.db(), KeyRing.FIND, params)).isLessThanOrEqualTo(36);
      seeded.grow(LookupPlans.ROWS, LookupPlans.GROWN_ROWS);
      assertThat(LookupPlans.genericBuffers(seeded.db(), KeyRing.FIND, params)).isLessThanOrEqualTo(36);
    } finally {
      seeded.db().close().await();
      vertx.close().await();
    }
  }
}
