package io.highwater.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.event.Patch;
import io.highwater.event.SealedValue;
import io.highwater.event.Trigger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sealed values are kept apart from client values: sealed, opened and forgotten by field, never by shape. */
class SealingTest {

  private static final Trigger TRIGGER = new Trigger(Trigger.ENCRYPTION_KEY, "1");
  private static final DataKey KEY = DataKey.generate();

  /** The server's own former inline envelope and its current sealed value, sent by a client as values. */
  private static JsonObject forged(SealedValue real) {
    return new JsonObject()
        .put("envelope", new JsonObject().put("$sealed", real.toJson()))
        .put("lookalike", real.toJson())
        .put("nested", new JsonArray().add(new JsonObject().put("$sealed", real.toJson())));
  }

  @Test
  void sealingMovesTheFieldsOutOfTheClientValues() {
    Patch patch = new Patch(new JsonObject().put("no", "4111").put("total", 5), List.of("old"));
    Patch sealed = Sealing.sealPatch(patch, List.of("no"), TRIGGER, KEY);
    assertThat(sealed.assoc()).isEqualTo(new JsonObject().put("total", 5));
    assertThat(sealed.dissoc()).containsExactly("old");
    assertThat(sealed.sealed()).containsOnlyKeys("no");
    assertThat(sealed.sealed().get("no").trigger()).isEqualTo(TRIGGER);
    assertThat(sealed.toJson().encode()).doesNotContain("4111");
    assertThat(Sealing.triggers(sealed.sealed())).containsExactly(TRIGGER);
  }

  @Test
  void openingDecryptsWhileTheKeyLivesAndListsWhatExpired() {
    Patch sealed = Sealing.sealPatch(new Patch(new JsonObject().put("no", new JsonObject().put("n", 4111)).put("total", 5), List.of()),
        List.of("no"), TRIGGER, KEY);
    Sealing.Opened open = Sealing.open(sealed.assoc(), sealed.sealed(), t -> t.equals(TRIGGER) ? KEY : null);
    assertThat(open.value()).isEqualTo(new JsonObject().put("total", 5).put("no", new JsonObject().put("n", 4111)));
    assertThat(open.sealed()).containsExactly("no");
    assertThat(open.expired()).isEmpty();

    Sealing.Opened gone = Sealing.open(sealed.assoc(), sealed.sealed(), t -> null);
    assertThat(gone.value()).isEqualTo(new JsonObject().put("total", 5));
    assertThat(gone.expired()).containsExactly("no");

    Set<String> names = new HashSet<>();
    Patch projected = Sealing.openPatch(sealed, t -> null, names);
    assertThat(projected.assoc()).isEqualTo(new JsonObject().put("total", 5));
    assertThat(projected.dissoc()).containsExactly("no");
    assertThat(projected.sealed()).isEmpty();
    assertThat(names).isEmpty();
  }

  @Test
  void aClientValueShapedLikeASealedValueIsNeverOpened() {
    SealedValue real = Sealing.seal("4111", TRIGGER, KEY);
    JsonObject forged = forged(real);
    Patch patch = new Patch(forged, List.of());
    assertThat(Sealing.triggers(patch.sealed())).isEmpty();

    Sealing.Opened open = Sealing.open(patch.assoc(), patch.sealed(), t -> KEY);
    assertThat(open.value()).isEqualTo(forged);
    assertThat(open.sealed()).isEmpty();
    assertThat(open.expired()).isEmpty();

    Set<String> names = new HashSet<>();
    Patch projected = Sealing.openPatch(patch, t -> null, names);
    assertThat(projected.assoc()).isEqualTo(forged);
    assertThat(projected.dissoc()).isEmpty();
    assertThat(names).isEmpty();
  }

  @Test
  void openingSharesTheClientValues() {
    JsonObject big = new JsonObject().put("items", new JsonArray().add(1).add(2));
    Patch sealed = Sealing.sealPatch(new Patch(new JsonObject().put("no", "4111").put("big", big), List.of()), List.of("no"), TRIGGER, KEY);
    assertThat(Sealing.open(sealed.assoc(), sealed.sealed(), t -> KEY).value().getValue("big")).isSameAs(sealed.assoc().getValue("big"));
    assertThat(Sealing.open(sealed.assoc(), Map.of(), t -> KEY).value()).isSameAs(sealed.assoc());
  }
}
