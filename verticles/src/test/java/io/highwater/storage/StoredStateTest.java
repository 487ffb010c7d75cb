package io.highwater.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.event.SealedValue;
import io.highwater.event.Trigger;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** records.state: client values and sealed fields apart, whatever the client values look like. */
class StoredStateTest {

  private static final SealedValue SEALED = new SealedValue(new Trigger(Trigger.ENCRYPTION_KEY, "1"), "AAECAw==");

  private static RecordState roundTrip(RecordState state) {
    return StoredState.decode(new JsonObject(StoredState.encode(state)), state.version(), state.firstOffset());
  }

  @Test
  void clientValuesShapedLikeTheStoredFormStayClientValues() {
    JsonObject values = new JsonObject()
        .put("values", new JsonObject().put("a", 1))
        .put("sealed", new JsonObject().put("no", SEALED.toJson()))
        .put("x", new JsonObject().put("$sealed", SEALED.toJson()));
    RecordState state = new RecordState(values, 7, 2);
    RecordState read = roundTrip(state);
    assertThat(read).isEqualTo(state);
    assertThat(read.sealed()).isEmpty();
    assertThat(read.state()).isEqualTo(values);
  }

  @Test
  void sealedFieldsRoundTripApart() {
    RecordState state = new RecordState(new JsonObject().put("total", 5), Map.of("no", SEALED), 9, 3);
    RecordState read = roundTrip(state);
    assertThat(read).isEqualTo(state);
    assertThat(read.sealed()).isEqualTo(Map.of("no", SEALED));
    assertThat(read.state()).isEqualTo(new JsonObject().put("total", 5));
  }
}
