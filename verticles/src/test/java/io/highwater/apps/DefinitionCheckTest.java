package io.highwater.apps;

import io.highwater.plugin.ProjectorKinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.config.AppConfig;
import io.highwater.event.InvalidInputException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A definition as PUT sends it: what is taken, and each refusal naming its field. */
class DefinitionCheckTest {

  private final DefinitionCheck check = new DefinitionCheck(AppDeployer.factories(ProjectorKinds.load(AppDeployer.class.getClassLoader())));

  static JsonObject view(String projector, String mode, JsonObject options) {
    return new JsonObject().put("projector", projector).put("mode", mode).put("options", options);
  }

  static JsonObject byAuthor() {
    return view("index", "async", new JsonObject().put("type", "book").put("field", "author"));
  }

  static JsonObject definition(int partitions, JsonObject views) {
    return new JsonObject().put("partitions", partitions).put("views", views);
  }

  private void refused(String app, JsonObject definition, String field, String says) {
    assertThatThrownBy(() -> check.parse(app, definition))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo(field))
        .hasMessageContaining(says);
  }

  @Test
  void aDefinitionIsReadWithItsViewsAndWrittenBackTheSame() {
    JsonObject sent = definition(4, new JsonObject().put("by_author", byAuthor())
        .put("genres", view("count", "sync", new JsonObject().put("type", "book").put("field", "genre"))));
    AppConfig app = check.parse("shop", sent);
    assertThat(app.partitions()).isEqualTo(4);
    assertThat(app.views()).containsOnlyKeys("by_author", "genres");
    assertThat(app.view("genres").orElseThrow().sync()).isTrue();
    assertThat(app.view("by_author").orElseThrow().sync()).isFalse();
    assertThat(app.toJson()).isEqualTo(sent);
    assertThat(check.parse("shop", app.toJson())).isEqualTo(app);
  }

  @Test
  void modeDefaultsToAsyncAndViewsToNone() {
    AppConfig app = check.parse("shop", new JsonObject().put("partitions", 1)
        .put("views", new JsonObject().put("v", new JsonObject().put("projector", "count")
            .put("options", new JsonObject().put("type", "t").put("field", "f")))));
    assertThat(app.view("v").orElseThrow().sync()).isFalse();
    assertThat(check.parse("bare", new JsonObject().put("partitions", 2)).views()).isEmpty();
  }

  @Test
  void badNamesAreRefusedNamingTheField() {
    refused("Shop", definition(1, new JsonObject()), "app", "[a-z][a-z0-9-]{0,62}");
    refused("a".repeat(64), definition(1, new JsonObject()), "app", "app name");
    refused("shop", definition(1, new JsonObject().put("Bad-Name", byAuthor())), "views.Bad-Name", "[a-z][a-z0-9_]{0,62}");
  }

  @Test
  void partitionsMustBeAPositiveIntegerWithinTheLimit() {
    refused("shop", new JsonObject().put("views", new JsonObject()), "partitions", "required");
    refused("shop", definition(0, new JsonObject()), "partitions", "from 1 to");
    refused("shop", definition(DefinitionCheck.MAX_PARTITIONS + 1, new JsonObject()), "partitions", "from 1 to");
    refused("shop", new JsonObject().put("partitions", "4"), "partitions", "integer");
    refused("shop", new JsonObject().put("partitions", 2.5), "partitions", "integer");
  }

  @Test
  void anUnknownProjectorKindIsRefusedListingTheKnownOnes() {
    refused("shop", definition(1, new JsonObject().put("v", view("sum", "async", new JsonObject()))), "views.v.projector",
        "unknown projector kind 'sum'");
    refused("shop", definition(1, new JsonObject().put("v", new JsonObject().put("mode", "sync"))), "views.v.projector", "required");
  }

  @Test
  void missingOrWrongOptionsAreRefusedByTheirProjector() {
    refused("shop", definition(1, new JsonObject().put("v", view("index", "async", new JsonObject().put("type", "book")))),
        "views.v.options", "\"type\" and \"field\"");
    refused("shop", definition(1, new JsonObject().put("v", new JsonObject().put("projector", "index"))), "views.v.options",
        "refused by projector 'index'");
    refused("shop", definition(1, new JsonObject().put("v", new JsonObject().put("projector", "index").put("options", "x"))),
        "views.v.options", "expected an object");
  }

  @Test
  void badModesUnknownFieldsAndNonObjectsAreRefused() {
    refused("shop", definition(1, new JsonObject().put("v", view("index", "eager", new JsonObject()))), "views.v.mode", "sync");
    refused("shop", definition(1, new JsonObject()).put("replicas", 3), "replicas", "unknown field");
    refused("shop", definition(1, new JsonObject().put("v", byAuthor().put("colour", "red"))), "views.v.colour", "unknown field");
    refused("shop", definition(1, new JsonObject().put("v", "index")), "views.v", "expected an object");
    refused("shop", new JsonObject().put("partitions", 1).put("views", "v"), "views", "expected an object");
    refused("shop", null, "body", "JSON object");
  }
}
