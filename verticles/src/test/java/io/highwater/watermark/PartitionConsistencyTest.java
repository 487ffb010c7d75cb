package io.highwater.watermark;

import io.highwater.coordinator.ConsistencyMergePolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link Watermark}, {@link PartitionConsistency} and {@link Advance}: forward-only, cache >= storage, mergeable. */
class PartitionConsistencyTest {

  private static final String RECORDS = PartitionConsistency.RECORDS;
  private static final String BY_AUTHOR = "view:books_by_author";
  private static final String GENRES = "view:genre_counts";
  private static final List<String> ENTITIES = List.of(RECORDS, BY_AUTHOR, GENRES);

  @Nested
  class Watermarks {

    @Test
    void storageImpliesCache() {
      assertThat(new Watermark(3, 5)).isEqualTo(new Watermark(5, 5));
      assertThat(new Watermark(7, 5).cache()).isEqualTo(7);
      assertThat(new Watermark(7, 5).storage()).isEqualTo(5);
      assertThat(Watermark.NONE).isEqualTo(new Watermark(0, 0));
    }

    @Test
    void atReadsTheLevel() {
      Watermark w = new Watermark(9, 4);
      assertThat(w.at(Level.CACHE)).isEqualTo(9);
      assertThat(w.at(Level.STORAGE)).isEqualTo(4);
    }

    @Test
    void advanceMovesForwardOnly() {
      Watermark w = new Watermark(9, 4);
      assertThat(w.advance(Level.CACHE, 3)).isEqualTo(new Watermark(9, 4));
      assertThat(w.advance(Level.CACHE, 9)).isEqualTo(new Watermark(9, 4));
      assertThat(w.advance(Level.CACHE, 10)).isEqualTo(new Watermark(10, 4));
      assertThat(w.advance(Level.STORAGE, 2)).isEqualTo(new Watermark(9, 4));
      assertThat(w.advance(Level.STORAGE, 6)).isEqualTo(new Watermark(9, 6));
    }

    @Test
    void storageBeyondCacheRaisesCache() {
      assertThat(new Watermark(9, 4).advance(Level.STORAGE, 12)).isEqualTo(new Watermark(12, 12));
      assertThat(Watermark.NONE.advance(Level.STORAGE, 1)).isEqualTo(new Watermark(1, 1));
    }

    @Test
    void toJson() {
      assertThat(new Watermark(7, 6).toJson()).isEqualTo(new JsonObject().put("cache", 7L).put("storage", 6L));
    }
  }

  @Nested
  class Reports {

    @Test
    void anUnknownEntityIsAtZero() {
      assertThat(PartitionConsistency.EMPTY.entity(BY_AUTHOR)).isEqualTo(Watermark.NONE);
      assertThat(PartitionConsistency.EMPTY.cpOffset()).isZero();
      assertThat(PartitionConsistency.EMPTY.covers(BY_AUTHOR, Level.CACHE, 0)).isTrue();
      assertThat(PartitionConsistency.EMPTY.covers(BY_AUTHOR, Level.CACHE, 1)).isFalse();
    }

    @Test
    void reportsApplyToTheirEntityOnly() {
      PartitionConsistency state = PartitionConsistency.EMPTY
          .advance(Advance.cpOffset(7))
          .advance(Advance.cache(RECORDS, 7))
          .advance(Advance.storage(RECORDS, 6))
          .advance(Advance.cache(BY_AUTHOR, 5));

      assertThat(state.cpOffset()).isEqualTo(7);
      assertThat(state.entities()).isEqualTo(Map.of(RECORDS, new Watermark(7, 6), BY_AUTHOR, new Watermark(5, 0)));
      assertThat(state.entity(GENRES)).isEqualTo(Watermark.NONE);
      assertThat(state.covers(RECORDS, Level.CACHE, 7)).isTrue();
      assertThat(state.covers(RECORDS, Level.CACHE, 8)).isFalse();
      assertThat(state.covers(RECORDS, Level.STORAGE, 6)).isTrue();
      assertThat(state.covers(RECORDS, Level.STORAGE, 7)).isFalse();
    }

    @Test
    void anOlderReportNeverLowersAnything() {
      PartitionConsistency state = PartitionConsistency.EMPTY
          .advance(new Advance(10, Map.of(RECORDS, 10L, BY_AUTHOR, 8L), Map.of(RECORDS, 9L, BY_AUTHOR, 4L)));

      PartitionConsistency after = state
          .advance(Advance.cpOffset(3))
          .advance(Advance.cache(RECORDS, 2))
          .advance(Advance.storage(RECORDS, 1))
          .advance(new Advance(0, Map.of(BY_AUTHOR, 0L), Map.of(BY_AUTHOR, 3L)));

      assertThat(after).isEqualTo(state);
      assertThat(after.cpOffset()).isEqualTo(10);
      assertThat(after.entity(RECORDS)).isEqualTo(new Watermark(10, 9));
      assertThat(after.entity(BY_AUTHOR)).isEqualTo(new Watermark(8, 4));
    }

    @Test
    void aStorageReportBeyondCacheRaisesCache() {
      PartitionConsistency state = PartitionConsistency.EMPTY
          .advance(Advance.cache(BY_AUTHOR, 3))
          .advance(Advance.storage(BY_AUTHOR, 5));
      assertThat(state.entity(BY_AUTHOR)).isEqualTo(new Watermark(5, 5));
      assertThat(state.covers(BY_AUTHOR, Level.CACHE, 5)).isTrue();

      // in one report too, and for an entity never seen before
      PartitionConsistency one = PartitionConsistency.EMPTY
          .advance(new Advance(0, Map.of(GENRES, 2L), Map.of(GENRES, 4L, RECORDS, 6L)));
      assertThat(one.entity(GENRES)).isEqualTo(new Watermark(4, 4));
      assertThat(one.entity(RECORDS)).isEqualTo(new Watermark(6, 6));
    }

    @Test
    void advanceDoesNotChangeTheOldValue() {
      PartitionConsistency before = PartitionConsistency.EMPTY.advance(Advance.cache(RECORDS, 2));
      PartitionConsistency after = before.advance(Advance.cache(RECORDS, 5));
      assertThat(before.entity(RECORDS)).isEqualTo(new Watermark(2, 0));
      assertThat(after.entity(RECORDS)).isEqualTo(new Watermark(5, 0));
    }
  }

  @Nested
  class Merging {

    private final PartitionConsistency a = new PartitionConsistency(7,
        Map.of(RECORDS, new Watermark(7, 6), BY_AUTHOR, new Watermark(7, 4)));
    private final PartitionConsistency b = new PartitionConsistency(5,
        Map.of(RECORDS, new Watermark(5, 5), GENRES, new Watermark(3, 1), BY_AUTHOR, new Watermark(6, 6)));

    @Test
    void mergeKeepsTheLargerOfEveryOffset() {
      assertThat(a.merge(b)).isEqualTo(new PartitionConsistency(7, Map.of(
          RECORDS, new Watermark(7, 6),
          BY_AUTHOR, new Watermark(7, 6),
          GENRES, new Watermark(3, 1))));
    }

    @Test
    void mergeIsCommutativeIdempotentAndHasEmptyAsIdentity() {
      assertThat(a.merge(b)).isEqualTo(b.merge(a));
      assertThat(a.merge(a)).isEqualTo(a);
      assertThat(a.merge(b).merge(b)).isEqualTo(a.merge(b));
      assertThat(a.merge(PartitionConsistency.EMPTY)).isEqualTo(a);
      assertThat(PartitionConsistency.EMPTY.merge(a)).isEqualTo(a);
    }

    @Test
    void randomReportSequencesConvergeInAnyOrder() {
      Random random = new Random(20261124L);
      for (int round = 0; round < 300; round++) {
        List<Advance> reports = new ArrayList<>();
        int count = 1 + random.nextInt(25);
        for (int i = 0; i < count; i++) {
          reports.add(randomReport(random));
        }
        PartitionConsistency expected = model(reports);

        PartitionConsistency inOrder = applyAll(reports);
        assertThat(inOrder).as("round %d in order", round).isEqualTo(expected);

        for (int shuffle = 0; shuffle < 5; shuffle++) {
          List<Advance> shuffled = new ArrayList<>(reports);
          Collections.shuffle(shuffled, random);
          assertThat(applyAll(shuffled)).as("round %d shuffle %d", round, shuffle).isEqualTo(expected);
        }

        // the same reports split between two coordinators, merged either way, replayed twice
        List<Advance> left = new ArrayList<>();
        List<Advance> right = new ArrayList<>();
        reports.forEach(r -> (random.nextBoolean() ? left : right).add(r));
        PartitionConsistency l = applyAll(left);
        PartitionConsistency r = applyAll(right);
        assertThat(l.merge(r)).as("round %d merge", round).isEqualTo(expected);
        assertThat(r.merge(l)).as("round %d merge reversed", round).isEqualTo(expected);
        assertThat(l.merge(r).merge(l).merge(r)).as("round %d merge replayed", round).isEqualTo(expected);
        assertThat(expected.merge(expected)).isEqualTo(expected);

        // and associative
        PartitionConsistency c = applyAll(reports.subList(0, count / 2));
        assertThat(l.merge(r).merge(c)).isEqualTo(l.merge(r.merge(c)));
      }
    }

    @Test
    void everyStepIsForwardAndKeepsCacheAtLeastStorage() {
      Random random = new Random(7L);
      PartitionConsistency state = PartitionConsistency.EMPTY;
      for (int step = 0; step < 2000; step++) {
        PartitionConsistency next = state.advance(randomReport(random));
        assertThat(next.cpOffset()).isGreaterThanOrEqualTo(state.cpOffset());
        for (String entity : ENTITIES) {
          assertThat(next.entity(entity).cache()).isGreaterThanOrEqualTo(state.entity(entity).cache());
          assertThat(next.entity(entity).storage()).isGreaterThanOrEqualTo(state.entity(entity).storage());
          assertThat(next.entity(entity).cache()).isGreaterThanOrEqualTo(next.entity(entity).storage());
        }
        state = next;
      }
    }

    private PartitionConsistency applyAll(List<Advance> reports) {
      PartitionConsistency state = PartitionConsistency.EMPTY;
      for (Advance report : reports) {
        state = state.advance(report);
      }
      return state;
    }

    /** An independent model: maxima per offset, storage lifting cache, entities named at all. */
    private PartitionConsistency model(List<Advance> reports) {
      long cp = 0;
      Map<String, long[]> marks = new TreeMap<>();
      for (Advance report : reports) {
        cp = Math.max(cp, report.cpOffset());
        report.cache().forEach((e, o) -> {
          long[] m = marks.computeIfAbsent(e, k -> new long[2]);
          m[0] = Math.max(m[0], o);
        });
        report.storage().forEach((e, o) -> {
          long[] m = marks.computeIfAbsent(e, k -> new long[2]);
          m[1] = Math.max(m[1], o);
        });
      }
      Map<String, Watermark> entities = new HashMap<>();
      marks.forEach((e, m) -> entities.put(e, new Watermark(Math.max(m[0], m[1]), m[1])));
      return new PartitionConsistency(cp, entities);
    }

    private Advance randomReport(Random random) {
      Map<String, Long> cache = new HashMap<>();
      Map<String, Long> storage = new HashMap<>();
      for (String entity : ENTITIES) {
        if (random.nextInt(3) == 0) {
          cache.put(entity, (long) random.nextInt(100));
        }
        if (random.nextInt(3) == 0) {
          storage.put(entity, (long) random.nextInt(100));
        }
      }
      long cp = random.nextBoolean() ? random.nextInt(100) : 0;
      return new Advance(cp, cache, storage);
    }
  }

  @Nested
  class Json {

    @Test
    void partitionConsistencyToJsonHasTheWireShape() {
      PartitionConsistency state = new PartitionConsistency(7,
          Map.of(RECORDS, new Watermark(7, 6), BY_AUTHOR, new Watermark(7, 4)));
      assertThat(state.toJson()).isEqualTo(new JsonObject(
          "{\"cpOffset\": 7, \"entities\": {\"records\": {\"cache\": 7, \"storage\": 6},"
              + " \"view:books_by_author\": {\"cache\": 7, \"storage\": 4}}, \"status\": {}, \"epoch\": 0}"));
      assertThat(state.entitiesJson().fieldNames()).containsExactly(RECORDS, BY_AUTHOR);
    }

    @Test
    void statusNotesShowBesideTheWatermarksAndAnEmptyNoteClearsThem() {
      PartitionConsistency failed = new PartitionConsistency(3, Map.of(BY_AUTHOR, new Watermark(2, 1)))
          .advance(Advance.status(BY_AUTHOR, new JsonObject().put("status", "failed").put("failedAt", 3)));
      assertThat(failed.entitiesJson().getJsonObject(BY_AUTHOR))
          .isEqualTo(new JsonObject("{\"cache\": 2, \"storage\": 1, \"status\": \"failed\", \"failedAt\": 3}"));
      assertThat(PartitionConsistency.fromJson(failed.toJson())).isEqualTo(failed);
      PartitionConsistency cleared = failed.advance(new Advance(0, Map.of(), Map.of(), Map.of(BY_AUTHOR, "")));
      assertThat(cleared.status(BY_AUTHOR)).isEqualTo(new JsonObject());
      assertThat(cleared.entity(BY_AUTHOR)).isEqualTo(new Watermark(2, 1));
      // A merge keeps the larger offsets and the newer report's notes.
      assertThat(failed.merge(cleared).status()).isEmpty();
      assertThat(cleared.merge(failed).status(BY_AUTHOR).getString("status")).isEqualTo("failed");
    }

    @Test
    void partitionConsistencyRoundTrips() {
      PartitionConsistency state = new PartitionConsistency(1L << 40,
          Map.of(RECORDS, new Watermark(9, 9), BY_AUTHOR, new Watermark(7, 0), GENRES, Watermark.NONE));
      assertThat(PartitionConsistency.fromJson(state.toJson())).isEqualTo(state);
      assertThat(PartitionConsistency.fromJson(new JsonObject(state.toJson().encode()))).isEqualTo(state);
      assertThat(PartitionConsistency.fromJson(PartitionConsistency.EMPTY.toJson())).isEqualTo(PartitionConsistency.EMPTY);
    }

    @Test
    void advanceRoundTrips() {
      Advance report = new Advance(12, Map.of(RECORDS, 12L, GENRES, 3L), Map.of(BY_AUTHOR, 1L << 35));
      assertThat(Advance.fromJson(report.toJson())).isEqualTo(report);
      assertThat(Advance.fromJson(new JsonObject(report.toJson().encode()))).isEqualTo(report);
      assertThat(Advance.fromJson(Advance.cpOffset(4).toJson())).isEqualTo(Advance.cpOffset(4));
      assertThat(report.toJson()).isEqualTo(new JsonObject(
          "{\"cpOffset\": 12, \"cache\": {\"records\": 12, \"view:genre_counts\": 3},"
              + " \"storage\": {\"view:books_by_author\": 34359738368}, \"status\": {}, \"epoch\": 0}"));
    }

    @Test
    void advanceOfAStateCarriesEveryOffset() {
      PartitionConsistency state = new PartitionConsistency(7,
          Map.of(RECORDS, new Watermark(7, 6), BY_AUTHOR, new Watermark(7, 4)));
      assertThat(Advance.of(state)).isEqualTo(
          new Advance(7, Map.of(RECORDS, 7L, BY_AUTHOR, 7L), Map.of(RECORDS, 6L, BY_AUTHOR, 4L)));
      assertThat(PartitionConsistency.EMPTY.advance(Advance.of(state))).isEqualTo(state);
    }
  }

  /** Ownership epochs (ADR 0005): a newer owner restarts the cache from storage; a deposed one changes nothing. */
  @Nested
  class Epochs {

    private final PartitionConsistency underOne = PartitionConsistency.EMPTY
        .advance(new Advance(9, Map.of(RECORDS, 9L, BY_AUTHOR, 8L), Map.of(RECORDS, 6L, BY_AUTHOR, 4L)).under(1));

    @Test
    void aReportOfANewerEpochRestartsTheCacheWatermarksFromStorage() {
      PartitionConsistency moved = underOne.advance(Advance.cpOffset(9).under(2));
      assertThat(moved.epoch()).isEqualTo(2);
      assertThat(moved.cpOffset()).isEqualTo(9);
      assertThat(moved.entity(RECORDS)).isEqualTo(new Watermark(6, 6));
      assertThat(moved.entity(BY_AUTHOR)).isEqualTo(new Watermark(4, 4));
      assertThat(moved.advance(Advance.cache(RECORDS, 10).under(2)).entity(RECORDS)).isEqualTo(new Watermark(10, 6));
    }

    @Test
    void aReportOfAnOlderEpochChangesNothing() {
      PartitionConsistency moved = underOne.advance(Advance.cpOffset(9).under(2));
      assertThat(moved.advance(new Advance(50, Map.of(RECORDS, 50L), Map.of(RECORDS, 50L)).under(1))).isSameAs(moved);
    }

    @Test
    void aNewerEpochDropsTheDeposedOwnersStatusNotes() {
      PartitionConsistency failed = underOne.advance(Advance.status(BY_AUTHOR, new JsonObject().put("status", "failed")).under(1));
      assertThat(failed.status(BY_AUTHOR).getString("status")).isEqualTo("failed");
      assertThat(failed.advance(Advance.cpOffset(9).under(2)).status(BY_AUTHOR).isEmpty()).isTrue();
    }

    @Test
    void mergeKeepsTheNewerEpochWholeAndWithinOneEpochTheLargerOffsets() {
      PartitionConsistency moved = underOne.advance(Advance.cache(RECORDS, 7).under(2));
      assertThat(underOne.merge(moved)).isEqualTo(moved);
      assertThat(moved.merge(underOne)).isEqualTo(moved);
      PartitionConsistency ahead = underOne.advance(Advance.cache(BY_AUTHOR, 9).under(1));
      assertThat(underOne.merge(ahead).entity(BY_AUTHOR)).isEqualTo(new Watermark(9, 4));
      assertThat(ahead.merge(underOne).entity(BY_AUTHOR)).isEqualTo(new Watermark(9, 4));
    }

    @Test
    void theSplitBrainMergePolicyNeverMovesAnEntryBackwards() {
      ConsistencyMergePolicy policy = new ConsistencyMergePolicy();
      PartitionConsistency ahead = underOne.advance(Advance.storage(RECORDS, 9).under(1));
      assertThat(policy.merge(value(underOne), value(ahead))).isEqualTo(ahead);
      assertThat(policy.merge(value(ahead), value(underOne))).isEqualTo(ahead);
      PartitionConsistency moved = underOne.advance(Advance.cpOffset(9).under(2));
      // The newer epoch wins, with the storage the older one had reached: that is in PostgreSQL.
      assertThat(policy.merge(value(ahead), value(moved))).isEqualTo(moved.advance(Advance.storage(RECORDS, 9).under(2)));
      assertThat(policy.merge(value(moved), null)).isEqualTo(moved);
    }

    @Test
    void epochTravelsInJson() {
      PartitionConsistency moved = underOne.advance(Advance.cache(RECORDS, 7).under(3));
      assertThat(PartitionConsistency.fromJson(moved.toJson())).isEqualTo(moved);
      Advance report = Advance.storage(RECORDS, 4).under(3);
      assertThat(Advance.fromJson(report.toJson())).isEqualTo(report);
    }

    @Test
    void aNewOwnerStartsFromTheStorageWatermarksOfTheCopyItFinds() {
      PartitionConsistency start = underOne.startingUnder(2);
      assertThat(start.epoch()).isEqualTo(2);
      assertThat(start.cpOffset()).isEqualTo(9);
      assertThat(start.entity(RECORDS)).isEqualTo(new Watermark(6, 6));
      assertThat(start.entity(BY_AUTHOR)).isEqualTo(new Watermark(4, 4));
      assertThat(start.status()).isEmpty();
      assertThat(PartitionConsistency.EMPTY.startingUnder(1)).isEqualTo(new PartitionConsistency(0, Map.of(), Map.of(), 1));
    }

    @Test
    void anOwnerTrustsNoCopyOfItsOwnOrANewerEpoch() {
      assertThat(underOne.startingUnder(1)).isEqualTo(new PartitionConsistency(0, Map.of(), Map.of(), 1));
      PartitionConsistency deposed = underOne.advance(Advance.cpOffset(9).under(3)).startingUnder(2);
      assertThat(deposed).isEqualTo(new PartitionConsistency(0, Map.of(), Map.of(), 2));
    }

    @Test
    void aNewerEpochNeverShowsLessStorageThanTheOlderOneReached() {
      // The new owner's first copy, before its actualizers reported their checkpoints.
      PartitionConsistency early = new PartitionConsistency(9, Map.of(RECORDS, new Watermark(5, 5)), Map.of(), 2);
      PartitionConsistency merged = underOne.merge(early);
      assertThat(merged.epoch()).isEqualTo(2);
      assertThat(merged.entity(RECORDS)).isEqualTo(new Watermark(6, 6));
      assertThat(early.merge(underOne)).isEqualTo(merged);
      // An entity the newer epoch does not have (a view removed) does not come back.
      assertThat(merged.entities()).containsOnlyKeys(RECORDS);
    }
  }

  /**
   * The owner's first-hand state and its copies (ADR 0013): whatever subset of an owner's copies a
   * node or the cluster map has merged, in whatever order, it never claims more than the owner had
   * reached, and once the last copy arrives it equals it.
   */
  @Nested
  class OwnerCopies {

    @Test
    void noMergeOfAnOwnersCopiesRunsAheadOfTheOwner() {
      Random random = new Random(20261202L);
      for (int round = 0; round < 300; round++) {
        PartitionConsistency owner = PartitionConsistency.EMPTY.startingUnder(1 + random.nextInt(3));
        List<PartitionConsistency> copies = new ArrayList<>();
        for (int i = 0; i < 1 + random.nextInt(20); i++) {
          owner = owner.advance(randomReport(random).under(owner.epoch()));
          copies.add(owner);
        }
        PartitionConsistency merged = PartitionConsistency.EMPTY;
        List<PartitionConsistency> arriving = new ArrayList<>(copies);
        Collections.shuffle(arriving, random);
        for (PartitionConsistency copy : arriving) {
          if (random.nextInt(4) == 0 && copy != owner) {
            continue;
          }
          merged = merged.merge(copy);
          assertThat(merged.cpOffset()).as("round %d", round).isLessThanOrEqualTo(owner.cpOffset());
          for (String entity : ENTITIES) {
            assertThat(merged.entity(entity).cache()).as("round %d %s cache", round, entity).isLessThanOrEqualTo(owner.entity(entity).cache());
            assertThat(merged.entity(entity).storage()).as("round %d %s storage", round, entity)
                .isLessThanOrEqualTo(owner.entity(entity).storage());
          }
        }
        assertThat(merged.merge(owner).entities()).as("round %d, the last copy arrived", round).isEqualTo(owner.entities());
      }
    }

    private Advance randomReport(Random random) {
      Map<String, Long> cache = new HashMap<>();
      Map<String, Long> storage = new HashMap<>();
      for (String entity : ENTITIES) {
        if (random.nextInt(3) == 0) {
          cache.put(entity, (long) random.nextInt(100));
        }
        if (random.nextInt(3) == 0) {
          storage.put(entity, (long) random.nextInt(100));
        }
      }
      return new Advance(random.nextInt(100), cache, storage);
    }
  }

  private static com.hazelcast.spi.merge.MergingValue<PartitionConsistency> value(PartitionConsistency state) {
    return new com.hazelcast.spi.merge.MergingValue<>() {
      @Override
      public PartitionConsistency getValue() {
        return state;
      }

      @Override
      public Object getRawValue() {
        return state;
      }
    };
  }
}
