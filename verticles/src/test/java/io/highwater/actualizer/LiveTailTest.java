package io.highwater.actualizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.highwater.partition.GroupProjected;
import io.highwater.event.Effect;
import io.highwater.event.Event;
import io.highwater.event.StoredEvent;
import io.highwater.event.Trigger;
import io.highwater.projector.ProjectedEvent;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LiveTailTest {

  private static final Event EFFECT = new Event(null, Instant.EPOCH, "clock", null, new Effect("tick", new Trigger("clock", "c")),
      List.of(), List.of());

  @Test
  void takesTheGroupsThatFollowThePositionTogether() {
    LiveTail tail = new LiveTail(100);
    tail.add(group(1, 2));
    tail.add(group(3, 3));
    tail.add(group(4, 6));

    LiveTail.Run run = tail.takeAfter(0).orElseThrow();

    assertThat(run.last()).isEqualTo(6);
    assertThat(run.events()).extracting(e -> e.stored().offset()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(tail.takeAfter(6)).isEmpty();
  }

  @Test
  void dropsWhatThePositionCoversAndStopsAtAGap() {
    LiveTail tail = new LiveTail(100);
    tail.add(group(1, 2));
    tail.add(group(3, 4));
    tail.add(group(7, 8));

    LiveTail.Run run = tail.takeAfter(2).orElseThrow();
    assertThat(run.last()).isEqualTo(4);
    // 5 and 6 were never handed over: the log has them.
    assertThat(tail.takeAfter(4)).isEmpty();
    assertThat(tail.takeAfter(6).orElseThrow().last()).isEqualTo(8);
  }

  @Test
  void aGroupPartlyProjectedFromTheLogIsLeftToTheLog() {
    LiveTail tail = new LiveTail(100);
    tail.add(group(1, 5));
    tail.add(group(6, 7));

    assertThat(tail.takeAfter(3)).isEmpty();
    assertThat(tail.takeAfter(5).orElseThrow().last()).isEqualTo(7);
  }

  @Test
  void aViewTooFarBehindForgetsTheTailAndReadsTheLog() {
    LiveTail tail = new LiveTail(5);
    tail.add(group(1, 3));
    tail.add(group(4, 6));

    assertThat(tail.takeAfter(0)).isEmpty();
    assertThat(tail.takeAfter(3)).isEmpty();
    tail.add(group(7, 8));
    assertThat(tail.takeAfter(6).orElseThrow().last()).isEqualTo(8);
  }

  private static GroupProjected group(long first, long last) {
    List<ProjectedEvent> events = LongStream.rangeClosed(first, last)
        .mapToObj(offset -> new ProjectedEvent(new StoredEvent(offset, 0, "ws", EFFECT), null, null))
        .toList();
    return new GroupProjected(first, last, events);
  }

}
