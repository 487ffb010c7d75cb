package io.highwater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one rule from {@code config.json} keys to variables, its typed parsing, and the aliases. */
class EnvironmentOverridesTest {

  private static final JsonObject DOC = new JsonObject()
      .put("dataDir", "data")
      .put("postgres", new JsonObject().put("url", (String) null).put("poolSize", 8))
      .put("commandProcessor", new JsonObject().put("heldAggregates", 100000).put("maxQueuedBytes", 268435456))
      .put("metrics", new JsonObject().put("enabled", true).put("ratio", 0.5))
      .put("cluster", new JsonObject().put("members", new JsonArray()).put("ports", new JsonArray().add(1)))
      .put("threads", new JsonObject().put("eventLoops", 0));

  @Test
  void variableIsThePrefixedUpperSnakePath() {
    assertThat(EnvironmentOverrides.variable("commandProcessor.heldAggregates")).isEqualTo("HIGHWATER_COMMAND_PROCESSOR_HELD_AGGREGATES");
    assertThat(EnvironmentOverrides.variable("postgres.poolSize")).isEqualTo("HIGHWATER_POSTGRES_POOL_SIZE");
    assertThat(EnvironmentOverrides.variable("dataDir")).isEqualTo("HIGHWATER_DATA_DIR");
    assertThat(EnvironmentOverrides.variable("apps.bookstore.views.books_by_author.mode"))
        .isEqualTo("HIGHWATER_APPS_BOOKSTORE_VIEWS_BOOKS_BY_AUTHOR_MODE");
    assertThat(EnvironmentOverrides.variable("auth.jwksURL")).isEqualTo("HIGHWATER_AUTH_JWKS_URL");
    assertThat(EnvironmentOverrides.variable("a.p99Ms")).isEqualTo("HIGHWATER_A_P99_MS");
  }

  @Test
  void everyKeyOfTheDocumentIsSettableWithItsType() {
    JsonObject out = EnvironmentOverrides.apply(DOC, Map.of(
        "HIGHWATER_POSTGRES_URL", "postgresql://db/x",
        "HIGHWATER_COMMAND_PROCESSOR_HELD_AGGREGATES", " 42 ",
        "HIGHWATER_COMMAND_PROCESSOR_MAX_QUEUED_BYTES", "5000000000",
        "HIGHWATER_METRICS_ENABLED", "FALSE",
        "HIGHWATER_METRICS_RATIO", "0.25",
        "HIGHWATER_CLUSTER_MEMBERS", "a:1, b:2,,",
        "HIGHWATER_CLUSTER_PORTS", "3,4"));
    assertThat(out.getJsonObject("postgres").getString("url")).isEqualTo("postgresql://db/x");
    assertThat(out.getJsonObject("commandProcessor").getValue("heldAggregates")).isEqualTo(42);
    assertThat(out.getJsonObject("commandProcessor").getValue("maxQueuedBytes")).isEqualTo(5_000_000_000L);
    assertThat(out.getJsonObject("metrics").getBoolean("enabled")).isFalse();
    assertThat(out.getJsonObject("metrics").getDouble("ratio")).isEqualTo(0.25);
    assertThat(out.getJsonObject("cluster").getJsonArray("members")).containsExactly("a:1", "b:2");
    assertThat(out.getJsonObject("cluster").getJsonArray("ports")).containsExactly(3, 4);
    assertThat(DOC.getJsonObject("postgres").getValue("url")).as("the input is not changed").isNull();
  }

  @Test
  void blankAndUnrelatedVariablesChangeNothing() {
    JsonObject out = EnvironmentOverrides.apply(DOC, Map.of("HIGHWATER_DATA_DIR", "  ", "HIGHWATER_NOT_A_KEY", "1", "PATH", "/bin"));
    assertThat(out).isEqualTo(DOC);
  }

  @Test
  void aliasesSetTheirKeys() {
    JsonObject out = EnvironmentOverrides.apply(DOC, Map.of(
        "HIGHWATER_PG_URL", "postgresql://old/name", "HIGHWATER_PG_POOL_SIZE", "3",
        "HIGHWATER_HELD_AGGREGATES", "7", "HIGHWATER_EVENT_LOOPS", "2"));
    assertThat(out.getJsonObject("postgres").getString("url")).isEqualTo("postgresql://old/name");
    assertThat(out.getJsonObject("postgres").getInteger("poolSize")).isEqualTo(3);
    assertThat(out.getJsonObject("commandProcessor").getInteger("heldAggregates")).isEqualTo(7);
    assertThat(out.getJsonObject("threads").getInteger("eventLoops")).isEqualTo(2);
  }

  @Test
  void anAliasAgreeingWithTheRuleIsFineAndOneDisagreeingIsRefused() {
    assertThat(EnvironmentOverrides.apply(DOC, Map.of("HIGHWATER_PG_POOL_SIZE", "3", "HIGHWATER_POSTGRES_POOL_SIZE", "3"))
        .getJsonObject("postgres").getInteger("poolSize")).isEqualTo(3);
    assertThatThrownBy(() -> EnvironmentOverrides.apply(DOC, Map.of("HIGHWATER_PG_POOL_SIZE", "3", "HIGHWATER_POSTGRES_POOL_SIZE", "4")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HIGHWATER_PG_POOL_SIZE")
        .hasMessageContaining("HIGHWATER_POSTGRES_POOL_SIZE")
        .hasMessageContaining("postgres.poolSize");
  }

  @Test
  void badValuesNameTheVariableThePathAndTheValue() {
    assertThatThrownBy(() -> EnvironmentOverrides.apply(DOC, Map.of("HIGHWATER_COMMAND_PROCESSOR_HELD_AGGREGATES", "many")))
        .hasMessageContaining("HIGHWATER_COMMAND_PROCESSOR_HELD_AGGREGATES").hasMessageContaining("commandProcessor.heldAggregates")
        .hasMessageContaining("'many'");
    assertThatThrownBy(() -> EnvironmentOverrides.apply(DOC, Map.of("HIGHWATER_METRICS_ENABLED", "yes")))
        .hasMessageContaining("HIGHWATER_METRICS_ENABLED").hasMessageContaining("true or false");
    assertThatThrownBy(() -> EnvironmentOverrides.apply(DOC, Map.of("HIGHWATER_METRICS_RATIO", "NaN")))
        .hasMessageContaining("HIGHWATER_METRICS_RATIO");
    assertThatThrownBy(() -> EnvironmentOverrides.apply(DOC, Map.of("HIGHWATER_CLUSTER_PORTS", "1,x")))
        .hasMessageContaining("HIGHWATER_CLUSTER_PORTS").hasMessageContaining("'x'");
  }

  @Test
  void twoKeysWithOneVariableAreRefused() {
    JsonObject clash = new JsonObject().put("a", new JsonObject().put("bC", 1)).put("aB", new JsonObject().put("c", 2))
        .put("a_b", new JsonObject().put("c", 3));
    assertThatThrownBy(() -> EnvironmentOverrides.leaves(clash)).hasMessageContaining("HIGHWATER_A_B_C");
  }
}
