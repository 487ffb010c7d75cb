package io.highwater.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrozenJsonTest {

  @Test
  void freezingIsDeepAndOnce() {
    JsonObject source = new JsonObject().put("a", new JsonArray().add(new JsonObject().put("b", 1))).put("s", "text");
    JsonObject frozen = FrozenJson.object(source);
    assertThat(frozen).isEqualTo(source).isNotSameAs(source);
    assertThat(FrozenJson.object(frozen)).isSameAs(frozen);
    assertThatThrownBy(() -> frozen.getJsonArray("a").getJsonObject(0).put("c", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(FrozenJson.value(frozen.getValue("a"))).isSameAs(frozen.getValue("a"));
  }

  @Test
  void mapsAndListsHeldAsSuchAreFrozenAsObjectsAndArrays() {
    Map<String, Object> map = new LinkedHashMap<>(Map.of("k", new ArrayList<>(List.of(1, 2))));
    Object frozen = FrozenJson.value(map);
    assertThat(frozen).isEqualTo(new JsonObject().put("k", new JsonArray().add(1).add(2)));
    ((List<Object>) map.get("k")).add(3);
    assertThat(((JsonObject) frozen).getJsonArray("k").size()).isEqualTo(2);
    assertThatThrownBy(() -> ((JsonObject) frozen).getJsonArray("k").add(3)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void thawedIsAMutableCopyInTheSameOrderThatVertxCopiesInOrder() {
    JsonObject frozen = FrozenJson.with(FrozenJson.EMPTY,
        new JsonObject().put("z", new JsonObject().put("y", 1).put("b", 2)).put("a", new JsonArray().add(new JsonObject().put("q", 1).put("c", 2))),
        List.of());
    JsonObject thawed = FrozenJson.thawed(frozen);
    assertThat(thawed).isEqualTo(frozen);
    // What the event bus does to a JSON message delivered within a node.
    JsonObject delivered = thawed.copy();
    assertThat(delivered.encode()).isEqualTo("{\"z\":{\"y\":1,\"b\":2},\"a\":[{\"q\":1,\"c\":2}]}");
    thawed.getJsonObject("z").put("x", 3);
    assertThat(frozen.getJsonObject("z").containsKey("x")).isFalse();
  }
}
