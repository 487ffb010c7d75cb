package io.highwater.apps;

import io.highwater.plugin.ProjectorKinds;

import static io.highwater.apps.DefinitionCheckTest.byAuthor;
import static io.highwater.apps.DefinitionCheckTest.definition;
import static io.highwater.apps.DefinitionCheckTest.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.config.AppConfig;
import io.highwater.config.ViewConfig;
import io.highwater.event.InvalidInputException;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A new definition against the stored one: the views it adds and removes, and what it may not change. */
class AppChangeTest {

  private final DefinitionCheck check = new DefinitionCheck(AppDeployer.factories(ProjectorKinds.load(AppDeployer.class.getClassLoader())));

  private AppConfig app(int partitions, JsonObject views) {
    return check.parse("shop", definition(partitions, views));
  }

  private static JsonObject genres(String mode) {
    return view("count", mode, new JsonObject().put("type", "book").put("field", "genre"));
  }

  private void refused(Optional<AppConfig> stored, AppConfig next, boolean hasEvents, Set<String> retired, String field, String says) {
    assertThatThrownBy(() -> AppChange.between(stored, next, hasEvents, retired))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo(field))
        .hasMessageContaining(says);
  }

  @Test
  void aNewAppAddsEveryView() {
    AppChange change = AppChange.between(Optional.empty(), app(2, new JsonObject().put("a", byAuthor()).put("g", genres("sync"))),
        false, Set.of());
    assertThat(change.added()).extracting(ViewConfig::name).containsExactly("a", "g");
    assertThat(change.removed()).isEmpty();
  }

  @Test
  void viewsAreAddedAndRemovedByName() {
    AppConfig before = app(2, new JsonObject().put("a", byAuthor()).put("g", genres("sync")));
    AppConfig after = app(2, new JsonObject().put("a", byAuthor()).put("g2", genres("async")));
    AppChange change = AppChange.between(Optional.of(before), after, true, Set.of());
    assertThat(change.added()).extracting(ViewConfig::name).containsExactly("g2");
    assertThat(change.removed()).containsExactly("g");
    assertThat(AppChange.between(Optional.of(before), before, true, Set.of()).isEmpty()).isTrue();
  }

  @Test
  void thePartitionCountChangesOnlyWhileTheAppHasNoEvents() {
    AppConfig two = app(2, new JsonObject());
    AppConfig three = app(3, new JsonObject());
    assertThat(AppChange.between(Optional.of(two), three, false, Set.of()).isEmpty()).isTrue();
    refused(Optional.of(two), three, true, Set.of(), "partitions", "cannot change");
  }

  @Test
  void aViewKeepsItsProjectorModeAndOptionsAndTheMessageSaysWhatToDoInstead() {
    AppConfig before = app(1, new JsonObject().put("g", genres("sync")));
    refused(Optional.of(before), app(1, new JsonObject().put("g", genres("async"))), false, Set.of(), "views.g.mode",
        "add a view under a new name instead");
    refused(Optional.of(before), app(1, new JsonObject().put("g",
        view("index", "sync", new JsonObject().put("type", "book").put("field", "genre")))), false, Set.of(), "views.g.projector",
        "add a view under a new name instead");
    refused(Optional.of(before), app(1, new JsonObject().put("g",
        view("count", "sync", new JsonObject().put("type", "book").put("field", "shelf")))), false, Set.of(), "views.g.options",
        "add a view under a new name instead");
  }

  @Test
  void aRemovedViewsNameIsNotUsedAgain() {
    AppConfig before = app(1, new JsonObject());
    refused(Optional.of(before), app(1, new JsonObject().put("g", genres("sync"))), false, Set.of("g"), "views.g", "a new name");
    assertThat(AppChange.between(Optional.of(before), app(1, new JsonObject().put("g2", genres("sync"))), false, Set.of("g"))
        .added()).hasSize(1);
  }

  @Test
  void runningViewsAreComparedByNameOnly() {
    AppConfig running = app(1, new JsonObject().put("a", byAuthor()).put("g", genres("sync")));
    AppConfig wanted = app(1, new JsonObject().put("a", byAuthor()).put("h", genres("sync")));
    AppChange change = AppChange.running(running.views().values(), wanted.views().values());
    assertThat(change.added()).extracting(ViewConfig::name).containsExactly("h");
    assertThat(change.removed()).containsExactly("g");
  }
}
