package io.highwater.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.event.Patch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link RecordState#fold} and {@link Patch#applyTo}: an aggregate's state is the fold of its patches. */
class RecordStateTest {

  private static Patch assoc(JsonObject assoc) {
    return new Patch(assoc, List.of());
  }

  private static Patch dissoc(String... keys) {
    return new Patch(new JsonObject(), List.of(keys));
  }

  @Nested
  class Patches {

    @Test
    void assocSetsAndOverwritesKeys() {
      JsonObject state = new JsonObject().put("author", "William Gibson").put("genre", "SciFi");
      JsonObject next = assoc(new JsonObject().put("genre", "Cyberpunk").put("year", 1984)).applyTo(state);
      assertThat(next).isEqualTo(new JsonObject().put("author", "William Gibson").put("genre", "Cyberpunk").put("year", 1984));
    }

    @Test
    void dissocRemovesKeysAndIgnoresAbsentOnes() {
      JsonObject state = new JsonObject().put("author", "William Gibson").put("genre", "SciFi");
      assertThat(dissoc("genre", "missing").applyTo(state)).isEqualTo(new JsonObject().put("author", "William Gibson"));
    }

    @Test
    void assocAndDissocTogether() {
      JsonObject state = new JsonObject().put("a", 1).put("b", 2);
      Patch patch = new Patch(new JsonObject().put("c", 3).put("a", 10), List.of("b"));
      assertThat(patch.applyTo(state)).isEqualTo(new JsonObject().put("a", 10).put("c", 3));
    }

    @Test
    void applyToNeverModifiesItsInputs() {
      JsonObject state = new JsonObject().put("a", 1).put("b", 2).put("nested", new JsonObject().put("x", 1));
      JsonObject stateBefore = state.copy();
      JsonObject assoc = new JsonObject().put("a", 5);
      Patch patch = new Patch(assoc, List.of("b"));

      JsonObject next = patch.applyTo(state);
      next.put("z", 26);
      next.getJsonObject("nested").put("x", 2);

      assertThat(next).isNotSameAs(state);
      assertThat(state).isEqualTo(stateBefore);
      assertThat(assoc).isEqualTo(new JsonObject().put("a", 5));
    }

    @Test
    void anEmptyPatchCopies() {
      JsonObject state = new JsonObject().put("a", new JsonArray().add(1));
      JsonObject next = new Patch(new JsonObject(), List.of()).applyTo(state);
      assertThat(next).isEqualTo(state).isNotSameAs(state);
    }
  }

  @Nested
  class Folding {

    @Test
    void theFirstPatchStartsFromEmpty() {
      RecordState s = RecordState.fold(null, assoc(new JsonObject().put("author", "William Gibson")), 3);
      assertThat(s).isEqualTo(new RecordState(new JsonObject().put("author", "William Gibson"), 3, 3));
      assertThat(s.version()).isEqualTo(3);
      assertThat(s.firstOffset()).isEqualTo(3);
    }

    @Test
    void laterPatchesMoveTheVersionAndKeepTheFirstOffset() {
      RecordState s = RecordState.fold(null, assoc(new JsonObject().put("author", "William Gibson").put("genre", "SciFi")), 1);
      s = RecordState.fold(s, assoc(new JsonObject().put("genre", "Cyberpunk")), 4);
      s = RecordState.fold(s, dissoc("author"), 9);
      assertThat(s).isEqualTo(new RecordState(new JsonObject().put("genre", "Cyberpunk"), 9, 1));
    }

    @Test
    void dissocOfEveryKeyLeavesAnEmptyStateWithItsVersion() {
      RecordState s = RecordState.fold(null, assoc(new JsonObject().put("a", 1)), 2);
      s = RecordState.fold(s, dissoc("a"), 5);
      assertThat(s).isEqualTo(new RecordState(new JsonObject(), 5, 2));
    }

    @Test
    void anOffsetAlreadyFoldedInIsSkipped() {
      RecordState base = new RecordState(new JsonObject().put("genre", "Cyberpunk"), 7, 2);
      assertThat(RecordState.fold(base, assoc(new JsonObject().put("genre", "Horror")), 7)).isSameAs(base);
      assertThat(RecordState.fold(base, dissoc("genre"), 3)).isSameAs(base);
      assertThat(RecordState.fold(base, dissoc("genre"), 2)).isSameAs(base);
      assertThat(base).isEqualTo(new RecordState(new JsonObject().put("genre", "Cyberpunk"), 7, 2));
      assertThat(RecordState.fold(base, dissoc("genre"), 8)).isEqualTo(new RecordState(new JsonObject(), 8, 2));
    }

    @Test
    void replayingALogTwiceGivesTheSameState() {
      List<Patch> patches = List.of(
          assoc(new JsonObject().put("a", 1).put("b", 2)),
          dissoc("a"),
          assoc(new JsonObject().put("c", 3)),
          new Patch(new JsonObject().put("a", 4), List.of("b")));
      RecordState once = null;
      for (int i = 0; i < patches.size(); i++) {
        once = RecordState.fold(once, patches.get(i), 10 + i);
      }
      RecordState twice = once;
      for (int i = 0; i < patches.size(); i++) {
        twice = RecordState.fold(twice, patches.get(i), 10 + i);
      }
      assertThat(once).isEqualTo(new RecordState(new JsonObject().put("c", 3).put("a", 4), 13, 10));
      assertThat(twice).isSameAs(once);
    }

    @Test
    void theBaseStateObjectIsNeverMutated() {
      JsonObject baseState = new JsonObject()
          .put("author", "William Gibson")
          .put("genre", "SciFi")
          .put("tags", new JsonArray().add("classic"))
          .put("meta", new JsonObject().put("pages", 271));
      JsonObject snapshot = baseState.copy();
      RecordState base = new RecordState(baseState, 4, 1);

      RecordState next = RecordState.fold(base,
          new Patch(new JsonObject().put("genre", "Cyberpunk").put("year", 1984), List.of("author")), 5);
      // even changing the result does not reach the base
      next.state().getJsonArray("tags").add("neon");
      next.state().getJsonObject("meta").put("pages", 0);
      next.state().put("extra", true);

      assertThat(next.state()).isNotSameAs(base.state());
      assertThat(base.state()).isSameAs(baseState).isEqualTo(snapshot);
      assertThat(base.version()).isEqualTo(4);
      assertThat(base.firstOffset()).isEqualTo(1);
      assertThat(next.version()).isEqualTo(5);
      assertThat(next.firstOffset()).isEqualTo(1);
    }

    @Test
    void thePatchIsNeverMutatedByFoldingOrByLaterFolds() {
      JsonObject assoc = new JsonObject().put("genre", "SciFi");
      Patch patch = assoc(assoc);
      RecordState first = RecordState.fold(null, patch, 1);
      RecordState second = RecordState.fold(first, assoc(new JsonObject().put("genre", "Cyberpunk")), 2);
      RecordState.fold(second, dissoc("genre"), 3);
      assertThat(patch.assoc()).isEqualTo(new JsonObject().put("genre", "SciFi"));
      assertThat(first.state()).isEqualTo(new JsonObject().put("genre", "SciFi"));
      assertThat(second.state()).isEqualTo(new JsonObject().put("genre", "Cyberpunk"));
    }
  }
}
