package io.highwater.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Status notes (a rebuild's progress, a failure) have no event to await: ask until the condition holds, within a bound. */
final class StatusNotes {

  private StatusNotes() {}

  static JsonObject eventually(Supplier<JsonObject> read, Predicate<JsonObject> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonObject last = read.get();
    while (!done.test(last)) {
      assertThat(System.nanoTime()).as("condition not met in time; last: " + last).isLessThan(deadline);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      last = read.get();
    }
    return last;
  }
}
