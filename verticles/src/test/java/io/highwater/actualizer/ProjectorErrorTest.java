package io.highwater.actualizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.event.Effect;
import io.highwater.event.Event;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.projector.ProjectedEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProjectorErrorTest {

  private static final StoredEvent STORED = new StoredEvent(5, 0, "w",
      new Event(null, Instant.EPOCH, "clock", null, new Effect("tick", new Trigger("clock", "c")), List.of(), List.of()));

  private static ProjectedEvent event(JsonObject before, JsonObject after, Set<String> sealed) {
    return new ProjectedEvent(STORED, null, before, after, false, sealed);
  }

  @Test
  void tellsTheClassAndMessageWithEverySealedValueMasked() {
    ProjectedEvent event = event(new JsonObject().put("card", "4111-0000"),
        new JsonObject().put("card", "4111-9999").put("name", "Ann").put("meta", new JsonObject().put("pin", "8642").put("tags", new JsonArray().add("vip"))),
        Set.of("card", "meta"));

    String error = ProjectorError.describe(
        new IllegalStateException("bad card 4111-9999 (was 4111-0000) pin 8642 vip for Ann"), event);

    assertThat(error).isEqualTo("java.lang.IllegalStateException: bad card [sealed] (was [sealed]) pin [sealed] [sealed] for Ann");
  }

  @Test
  void leavesOutTheCauseAndBoundsTheLength() {
    ProjectedEvent event = event(null, new JsonObject().put("s", "secret"), Set.of("s"));
    RuntimeException thrown = new RuntimeException("x".repeat(2000), new IllegalArgumentException("secret"));

    String error = ProjectorError.describe(thrown, event);

    assertThat(error).doesNotContain("secret").doesNotContain("IllegalArgumentException");
    assertThat(error.length()).isLessThanOrEqualTo(ProjectorError.MAX_CHARS + 1);
    assertThat(ProjectorError.describe(new NullPointerException(), event)).isEqualTo("java.lang.NullPointerException");
  }

  @Test
  void aFailureKeepsTheTextNotTheException() {
    ProjectedEvent event = event(null, new JsonObject().put("s", "secret"), Set.of("s"));

    ProjectorFailure failure = new ProjectorFailure(event, new IllegalStateException("saw secret"));

    assertThat(failure.offset()).isEqualTo(5);
    assertThat(failure.getCause()).isNull();
    assertThat(failure.error()).isEqualTo("java.lang.IllegalStateException: saw [sealed]");
    assertThat(failure.getMessage()).doesNotContain("secret");
  }
}
