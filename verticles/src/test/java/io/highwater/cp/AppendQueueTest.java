package io.highwater.cp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AppendQueueTest {

  /** A queued batch: its events, its bytes, whether it destroys a data key. */
  private record Item(String name, int events, int bytes, boolean expires) {}

  private static AppendQueue<Item> queue(int maxBatches, long maxQueuedBytes, int maxGroupEvents, long maxGroupBytes) {
    return new AppendQueue<>(new AppendQueue.Limits(maxBatches, maxQueuedBytes, maxGroupEvents, maxGroupBytes),
        Item::events, Item::bytes, Item::expires);
  }

  private static Item item(String name, int events, int bytes) {
    return new Item(name, events, bytes, false);
  }

  @Test
  void a_group_takes_what_fits_in_its_events_and_bytes() {
    AppendQueue<Item> queue = queue(100, 1_000_000, 10, 1_000);
    Item a = item("a", 4, 400);
    Item b = item("b", 4, 500);
    Item c = item("c", 1, 200);
    Item d = item("d", 9, 10);
    List.of(a, b, c, d).forEach(queue::offer);
    assertThat(queue.nextGroup()).containsExactly(a, b);
    assertThat(queue.nextGroup()).containsExactly(c, d);
    assertThat(queue.nextGroup()).isEmpty();
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void a_batch_larger_than_a_group_goes_alone() {
    AppendQueue<Item> queue = queue(100, 1_000_000, 10, 1_000);
    Item big = item("big", 50, 5_000);
    Item small = item("small", 1, 1);
    queue.offer(big);
    queue.offer(small);
    assertThat(queue.nextGroup()).containsExactly(big);
    assertThat(queue.nextGroup()).containsExactly(small);
  }

  @Test
  void a_batch_that_destroys_a_key_goes_alone() {
    AppendQueue<Item> queue = queue(100, 1_000_000, 10, 1_000);
    Item a = item("a", 1, 1);
    Item expiry = new Item("expiry", 1, 1, true);
    Item b = item("b", 1, 1);
    List.of(a, expiry, b).forEach(queue::offer);
    assertThat(queue.nextGroup()).containsExactly(a);
    assertThat(queue.nextGroup()).containsExactly(expiry);
    assertThat(queue.nextGroup()).containsExactly(b);
  }

  @Test
  void the_queue_refuses_what_passes_its_count_or_bytes_and_takes_again_once_drained() {
    AppendQueue<Item> queue = queue(3, 1_000, 100, 100_000);
    assertThat(queue.offer(item("a", 1, 600))).isTrue();
    assertThat(queue.offer(item("b", 1, 500))).as("over the bytes").isFalse();
    assertThat(queue.offer(item("c", 1, 400))).isTrue();
    assertThat(queue.offer(item("d", 1, 0))).isTrue();
    assertThat(queue.offer(item("e", 1, 0))).as("over the count").isFalse();
    assertThat(queue.nextGroup()).extracting(Item::name).containsExactly("a", "c", "d");
    assertThat(queue.offer(item("b", 1, 500))).isTrue();
    assertThat(queue.drainAll()).extracting(Item::name).containsExactly("b");
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.offer(item("f", 1, 1_000))).isTrue();
  }
}
