package io.highwater.actualizer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-member values a view keeps cached once flushed (ADR 0007), least recently flushed first,
 * within a budget of members: reloading a kept value would cost its whole size on its next change,
 * keeping all of them would hold the whole view in memory. Use it from one thread.
 */
final class KeptMembers<K> {

  private final long budget;
  private final Map<K, Integer> sizes = new LinkedHashMap<>();
  private long total;

  KeptMembers(long budget) {
    this.budget = budget;
  }

  /** {@code key} was just flushed with {@code size} members: the keys to let go, oldest first (never the newest). */
  List<K> flushed(K key, int size) {
    Integer before = sizes.remove(key);
    total += size - (before == null ? 0 : before);
    sizes.put(key, size);
    List<K> letGo = new ArrayList<>();
    Iterator<Map.Entry<K, Integer>> oldest = sizes.entrySet().iterator();
    while (total > budget && sizes.size() > 1) {
      Map.Entry<K, Integer> entry = oldest.next();
      total -= entry.getValue();
      letGo.add(entry.getKey());
      oldest.remove();
    }
    return letGo;
  }
}
