package io.highwater.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.event.Trigger;
import io.highwater.projector.Intents;
import io.highwater.projector.ProjectedEvent;
import io.highwater.projector.Projector;
import io.highwater.projector.ViewReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProjectorTestKitTest {

  /** Books per author, one member per book: the shape of the server's own {@code index} projector. */
  static class BooksByAuthor implements Projector {
    @Override
    public boolean perMember() {
      return true;
    }

    @Override
    public Set<String> reads(ProjectedEvent event) {
      Set<String> keys = new HashSet<>();
      author(event.before()).ifPresent(keys::add);
      author(event.after()).ifPresent(keys::add);
      return keys;
    }

    @Override
    public void project(ProjectedEvent event, ViewReader view, Intents intents) {
      if (!event.isAction()) {
        return;
      }
      String id = event.aggregate().aggregate().id();
      author(event.before()).filter(a -> !author(event.after()).equals(java.util.Optional.of(a))).ifPresent(a -> intents.leave(a, id));
      author(event.after()).ifPresent(a -> intents.join(a, id));
    }

    private static java.util.Optional<String> author(JsonObject state) {
      return state == null ? java.util.Optional.empty() : java.util.Optional.ofNullable(state.getString("author"));
    }
  }

  /** Counts books per genre, as a whole value: reads the count it changes. */
  static class CountByGenre implements Projector {
    @Override
    public Set<String> reads(ProjectedEvent event) {
      Set<String> keys = new HashSet<>();
      if (event.before() != null && event.before().getString("genre") != null) {
        keys.add(event.before().getString("genre"));
      }
      if (event.after() != null && event.after().getString("genre") != null) {
        keys.add(event.after().getString("genre"));
      }
      return keys;
    }

    @Override
    public void project(ProjectedEvent event, ViewReader view, Intents intents) {
      String was = event.before() == null ? null : event.before().getString("genre");
      String is = event.after() == null ? null : event.after().getString("genre");
      if (java.util.Objects.equals(was, is)) {
        return;
      }
      if (was != null) {
        intents.put(was, new JsonObject().put("n", view.get(was).map(v -> v.getInteger("n")).orElse(0) - 1));
      }
      if (is != null) {
        intents.put(is, new JsonObject().put("n", view.get(is).map(v -> v.getInteger("n")).orElse(0) + 1));
      }
    }
  }

  @Test
  void aPerMemberViewFollowsItsMembersAndReadsAsIdsAndCount() {
    ProjectorTestKit kit = ProjectorTestKit.of(new BooksByAuthor());
    kit.assoc("book", "neuromancer", new JsonObject().put("author", "Gibson"));
    kit.assoc("book", "count-zero", new JsonObject().put("author", "Gibson"));
    kit.assoc("book", "dune", new JsonObject().put("author", "Herbert"));
    kit.assoc("book", "dune", new JsonObject().put("author", "F. Herbert"));
    assertThat(kit.value("Gibson")).contains(new JsonObject().put("ids", new JsonArray().add("count-zero").add("neuromancer")).put("count", 2));
    assertThat(kit.value("Herbert")).as("a key stays once a member joined it").contains(new JsonObject().put("ids", new JsonArray()).put("count", 0));
    assertThat(kit.view()).containsOnlyKeys("Gibson", "Herbert", "F. Herbert");
    assertThat(kit.state("book", "dune")).isEqualTo(new JsonObject().put("author", "F. Herbert"));
  }

  @Test
  void aWholeValueViewChangesThroughPutsAndAStateThroughItsPatches() {
    ProjectorTestKit kit = ProjectorTestKit.of(new CountByGenre(), "shop");
    kit.assoc("book", "a", new JsonObject().put("genre", "sf"));
    kit.assoc("book", "b", new JsonObject().put("genre", "sf"));
    kit.dissoc("book", "a", "genre");
    assertThat(kit.value("sf")).contains(new JsonObject().put("n", 1));
    assertThat(kit.state("book", "a")).isEqualTo(new JsonObject());
    assertThat(kit.value("fantasy")).isEmpty();
  }

  @Test
  void anExpiredKeyReplaysItsAggregatesWithoutTheValuesSealedUnderIt() {
    ProjectorTestKit kit = ProjectorTestKit.of(new BooksByAuthor());
    Trigger key = new Trigger("encryption-key", "k1");
    kit.sealed("book", "secret", new JsonObject().put("author", "Anonymous").put("title", "S"), key, "author");
    kit.assoc("book", "open", new JsonObject().put("author", "Anonymous"));
    assertThat(kit.value("Anonymous").orElseThrow().getInteger("count")).isEqualTo(2);
    kit.expire(key);
    assertThat(kit.state("book", "secret")).isEqualTo(new JsonObject().put("title", "S"));
    assertThat(kit.value("Anonymous")).contains(new JsonObject().put("ids", new JsonArray().add("open")).put("count", 1));
    // An effect on a trigger nothing is linked to reaches the projector alone, and changes nothing here.
    kit.expire(new Trigger("encryption-key", "unused"));
    assertThat(kit.value("Anonymous").orElseThrow().getInteger("count")).isEqualTo(1);
  }

  @Test
  void aProjectorThatReadsOrWritesAKeyItDidNotNameFails() {
    Projector sneaky = new CountByGenre() {
      @Override
      public void project(ProjectedEvent event, ViewReader view, Intents intents) {
        view.get("elsewhere");
      }
    };
    assertThatThrownBy(() -> ProjectorTestKit.of(sneaky).assoc("book", "a", new JsonObject().put("genre", "sf")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("offset 1").hasMessageContaining("'elsewhere'");
    Projector writesElsewhere = new CountByGenre() {
      @Override
      public void project(ProjectedEvent event, ViewReader view, Intents intents) {
        intents.put("elsewhere", new JsonObject());
      }
    };
    assertThatThrownBy(() -> ProjectorTestKit.of(writesElsewhere).assoc("book", "a", new JsonObject().put("genre", "sf")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("put('elsewhere')");
  }

  @Test
  void intentsOfTheWrongKindFail() {
    Projector joinsWholeValues = new CountByGenre() {
      @Override
      public void project(ProjectedEvent event, ViewReader view, Intents intents) {
        intents.join("sf", "a");
      }
    };
    assertThatThrownBy(() -> ProjectorTestKit.of(joinsWholeValues).assoc("book", "a", new JsonObject().put("genre", "sf")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("whole-value projector may only put and delete");
    Projector putsMembers = new BooksByAuthor() {
      @Override
      public void project(ProjectedEvent event, ViewReader view, Intents intents) {
        intents.put("Gibson", new JsonObject());
      }
    };
    assertThatThrownBy(() -> ProjectorTestKit.of(putsMembers).assoc("book", "a", new JsonObject().put("author", "Gibson")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("per-member projector may only join and leave");
  }

  @Test
  void aProjectorThatAnswersDifferentlyTheSecondTimeFails() {
    AtomicInteger calls = new AtomicInteger();
    Projector forgetful = new CountByGenre() {
      @Override
      public void project(ProjectedEvent event, ViewReader view, Intents intents) {
        intents.put("sf", new JsonObject().put("n", calls.incrementAndGet()));
      }
    };
    assertThatThrownBy(() -> ProjectorTestKit.of(forgetful).assoc("book", "a", new JsonObject().put("genre", "sf")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("projected twice");
  }

  @Test
  void aSealedFieldMustBeAmongTheFieldsSet() {
    assertThatThrownBy(() -> ProjectorTestKit.of(new BooksByAuthor())
        .sealed("book", "a", new JsonObject().put("title", "T"), new Trigger("encryption-key", "k"), "author"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sealed");
  }
}
