package io.highwater.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The log's body: an action's sealed values in a member of their own, client values exactly as sent. */
class EventJsonTest {

  private static final Trigger KEY = new Trigger(Trigger.ENCRYPTION_KEY, "1");
  private static final SealedValue SEALED = new SealedValue(KEY, "AAECAw==");

  private static Event action(Patch patch) {
    return new Event("e1", Instant.parse("2026-11-24T07:00:00Z"), "api",
        new Action("pay", new Actor("user", "alice"), new Aggregate("receipt", "1"), patch), null, List.of(KEY), List.of("no"));
  }

  @Test
  void sealedValuesAndClientValuesRoundTripApart() {
    JsonObject forged = new JsonObject()
        .put("x", new JsonObject().put("$sealed", SEALED.toJson()))
        .put("sealed", new JsonObject().put("no", SEALED.toJson()));
    Event event = action(new Patch(forged, List.of("gone"), Map.of("no", SEALED)));
    JsonObject body = new JsonObject(event.toJson().encode());

    Event decoded = EventJson.decode(body);

    assertThat(decoded).isEqualTo(event);
    assertThat(decoded.action().patch().assoc()).isEqualTo(forged);
    assertThat(decoded.action().patch().sealed()).isEqualTo(Map.of("no", SEALED));
    assertThat(body.getJsonObject("action").getJsonObject("patch").getJsonObject("assoc")).isEqualTo(forged);
  }

  @Test
  void aPatchWithoutSealedValuesHasNoSealedMember() {
    Event event = action(new Patch(new JsonObject().put("sealed", 1), List.of()));
    assertThat(event.toJson().getJsonObject("action").getJsonObject("patch").fieldNames()).containsExactly("assoc", "dissoc");
    assertThat(EventJson.decode(event.toJson()).action().patch().sealed()).isEmpty();
  }
}
