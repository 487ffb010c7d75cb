package io.highwater.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class JsonTextTest {

  @Test
  void unicodeTextPassesAndNulOrLoneSurrogatesDoNot() {
    assertThat(JsonText.problem("plain é \uD83D\uDE00")).isNull();
    assertThat(JsonText.problem("a\u0000")).contains("U+0000");
    assertThat(JsonText.problem("\uD800")).contains("unpaired surrogate");
    assertThat(JsonText.problem("\uDC00\uD800")).contains("unpaired surrogate");
    assertThat(JsonText.problem("x\uD800y")).contains("unpaired surrogate");
  }

  @Test
  void checkWalksObjectsAndArraysNamingThePath() {
    JsonObject value = new JsonObject().put("a", new JsonArray().add(1).add(new JsonObject().put("b", Double.NaN)));
    assertThatThrownBy(() -> JsonText.check("root", value))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("root.a[1].b"));
    assertThatThrownBy(() -> JsonText.check("", new JsonObject().put("k", Double.POSITIVE_INFINITY)))
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("k"));
    JsonText.check("", new JsonObject().put("k", 1.5).put("s", "ok").put("n", (Object) null));
  }
}
