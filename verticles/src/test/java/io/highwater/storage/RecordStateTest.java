package io.highwater.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.event.Patch;
import io.highwater.event.SealedValue;
import io.highwater.event.Trigger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordState#fold} and {@link Patch#applyTo}: an aggregate's state is the fold of its patches,
 * immutable, and each fold shares what its patch leaves alone.
 */
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

      assertThat(next).isNotSameAs(state).isEqualTo(new JsonObject().put("a", 5).put("nested", new JsonObject().put("x", 1)));
      assertThat(state).isEqualTo(stateBefore);
      assertThat(assoc).isEqualTo(new JsonObject().put("a", 5));
    }

    @Test
    void theResultCannotBeChangedAtAnyDepth() {
      JsonObject next = assoc(new JsonObject().put("tags", new JsonArray().add("classic"))
          .put("meta", new JsonObject().put("pages", 271))).applyTo(new JsonObject());
      assertThatThrownBy(() -> next.put("extra", true)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> next.remove("tags")).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> next.getJsonArray("tags").add("neon")).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> next.getJsonObject("meta").put("pages", 0)).isInstanceOf(UnsupportedOperationException.class);
      assertThat(next).isEqualTo(new JsonObject().put("tags", new JsonArray().add("classic")).put("meta", new JsonObject().put("pages", 271)));
    }

    @Test
    void theResultIsDetachedFromTheMutableObjectsItWasMadeFrom() {
      JsonObject meta = new JsonObject().put("pages", 271);
      JsonObject assoc = new JsonObject().put("meta", meta);
      JsonObject state = new JsonObject().put("tags", new JsonArray().add("classic"));
      JsonObject next = assoc(assoc).applyTo(state);
      meta.put("pages", 0);
      assoc.put("more", 1);
      state.getJsonArray("tags").add("neon");
      assertThat(next).isEqualTo(new JsonObject().put("tags", new JsonArray().add("classic")).put("meta", new JsonObject().put("pages", 271)));
    }

    @Test
    void anEmptyPatchSharesEveryValue() {
      JsonObject state = RecordState.fold(null, assoc(new JsonObject().put("a", new JsonArray().add(1))), 1).state();
      JsonObject next = new Patch(new JsonObject(), List.of()).applyTo(state);
      assertThat(next).isEqualTo(state);
      assertThat(next.getValue("a")).isSameAs(state.getValue("a"));
    }

    @Test
    void keysKeepTheOrderTheyWereFirstSetIn() {
      JsonObject state = assoc(new JsonObject().put("b", 1).put("a", 2).put("c", 3)).applyTo(new JsonObject());
      JsonObject next = new Patch(new JsonObject().put("a", 20).put("d", 4), List.of("b")).applyTo(state);
      assertThat(next.fieldNames()).containsExactly("a", "c", "d");
      assertThat(assoc(new JsonObject().put("b", 5)).applyTo(next).fieldNames()).containsExactly("a", "c", "d", "b");
      assertThat(next.encode()).isEqualTo("{\"a\":20,\"c\":3,\"d\":4}");
    }
  }

  @Nested
  class Sharing {

    private RecordState big() {
      JsonObject assoc = new JsonObject();
      for (int i = 0; i < 1_000; i++) {
        assoc.put("field" + i, new JsonObject().put("n", i).put("list", new JsonArray().add(i).add(new JsonObject().put("deep", i))));
      }
      return RecordState.fold(null, assoc(assoc), 1);
    }

    @Test
    void aFoldSharesEveryValueItsPatchLeavesAlone() {
      RecordState before = big();
      RecordState after = RecordState.fold(before, new Patch(new JsonObject().put("field7", "new").put("extra", 1), List.of("field9")), 2);
      for (int i = 0; i < 1_000; i++) {
        if (i != 7 && i != 9) {
          assertThat(after.state().getValue("field" + i)).as("field" + i).isSameAs(before.state().getValue("field" + i));
        }
      }
      assertThat(after.state().getString("field7")).isEqualTo("new");
      assertThat(after.state().containsKey("field9")).isFalse();
      assertThat(after.state().getInteger("extra")).isEqualTo(1);
      assertThat(after.state().size()).isEqualTo(1_000);
    }

    @Test
    void theStateBeforeAFoldIsUnchanged() {
      RecordState before = big();
      JsonObject snapshot = before.state().copy();
      Object seventh = before.state().getValue("field7");
      RecordState.fold(before, new Patch(new JsonObject().put("field7", "new"), List.of("field9", "field10")), 2);
      assertThat(before.state()).isEqualTo(snapshot);
      assertThat(before.state().getValue("field7")).isSameAs(seventh);
      assertThat(before.version()).isEqualTo(1);
    }

    @Test
    void theStateSharesTheValuesOfThePatchThatSetThem() {
      JsonObject value = new JsonObject().put("deep", new JsonArray().add(1));
      Patch patch = assoc(new JsonObject().put("v", value));
      RecordState state = RecordState.fold(null, patch, 1);
      assertThat(state.state().getValue("v")).isSameAs(patch.assoc().getValue("v"));
      RecordState later = RecordState.fold(state, assoc(new JsonObject().put("w", 1)), 2);
      assertThat(later.state().getValue("v")).isSameAs(patch.assoc().getValue("v"));
    }

    @Test
    void aStateGivenAsMutableJsonIsFrozenOnceAndThenShared() {
      JsonObject loaded = new JsonObject().put("meta", new JsonObject().put("pages", 271));
      RecordState state = new RecordState(loaded, 4, 1);
      loaded.getJsonObject("meta").put("pages", 0);
      assertThat(state.state().getJsonObject("meta").getInteger("pages")).isEqualTo(271);
      assertThat(new RecordState(state.state(), 5, 1).state()).isSameAs(state.state());
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

      assertThat(next.state()).isNotSameAs(base.state())
          .isEqualTo(new JsonObject().put("genre", "Cyberpunk").put("tags", new JsonArray().add("classic"))
              .put("meta", new JsonObject().put("pages", 271)).put("year", 1984));
      assertThat(base.state()).isEqualTo(snapshot);
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

  @Nested
  class SealedFields {

    private final SealedValue no = new SealedValue(new Trigger(Trigger.ENCRYPTION_KEY, "1"), "AAEC");
    private final SealedValue newer = new SealedValue(new Trigger(Trigger.ENCRYPTION_KEY, "1"), "AwQF");

    @Test
    void aSealedFieldIsKeptApartFromTheClientValues() {
      RecordState s = RecordState.fold(null, new Patch(new JsonObject().put("total", 5), List.of(), Map.of("no", no)), 1);
      assertThat(s.state()).isEqualTo(new JsonObject().put("total", 5));
      assertThat(s.sealed()).isEqualTo(Map.of("no", no));
      s = RecordState.fold(s, new Patch(new JsonObject(), List.of(), Map.of("no", newer)), 2);
      assertThat(s.sealed()).isEqualTo(Map.of("no", newer));
    }

    @Test
    void aFieldIsEitherAClientValueOrSealed() {
      RecordState s = RecordState.fold(null, new Patch(new JsonObject().put("no", "plain"), List.of(), Map.of()), 1);
      s = RecordState.fold(s, new Patch(new JsonObject(), List.of(), Map.of("no", no)), 2);
      assertThat(s.state()).isEqualTo(new JsonObject());
      assertThat(s.sealed()).isEqualTo(Map.of("no", no));
      RecordState unsealed = RecordState.fold(s, assoc(new JsonObject().put("no", "again")), 3);
      assertThat(unsealed.state()).isEqualTo(new JsonObject().put("no", "again"));
      assertThat(unsealed.sealed()).isEmpty();
      RecordState removed = RecordState.fold(s, dissoc("no"), 3);
      assertThat(removed.state()).isEqualTo(new JsonObject());
      assertThat(removed.sealed()).isEmpty();
      assertThat(s.sealed()).isEqualTo(Map.of("no", no));
    }

    @Test
    void aClientValueShapedLikeASealedValueIsAClientValue() {
      JsonObject forged = new JsonObject().put("x", new JsonObject().put("$sealed", no.toJson())).put("y", no.toJson());
      RecordState s = RecordState.fold(null, assoc(forged), 1);
      assertThat(s.state()).isEqualTo(forged);
      assertThat(s.sealed()).isEmpty();
    }

    @Test
    void anOffsetAlreadyFoldedInLeavesTheSealedFieldsAlone() {
      RecordState base = RecordState.fold(null, new Patch(new JsonObject(), List.of(), Map.of("no", no)), 4);
      assertThat(RecordState.fold(base, dissoc("no"), 4)).isSameAs(base);
      assertThat(RecordState.fold(base, new Patch(new JsonObject(), List.of(), Map.of("no", newer)), 3)).isSameAs(base);
    }
  }
}
