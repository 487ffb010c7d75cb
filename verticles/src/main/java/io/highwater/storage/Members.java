package io.highwater.storage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import org.pcollections.TreePMap;
import org.pcollections.TreePSet;

/**
 * The value of a key of a per-member view: its members in order, and the changes to them that
 * storage does not have yet (one row per member there, see {@link ViewStore}). Persistent: a change
 * costs O(log n) and shares the rest with the value before it, so a cached value is never mutated
 * and never copied, however many members it has.
 */
public record Members(TreePSet<String> present, TreePMap<String, Change> pending) {

  public static final Members EMPTY = new Members(TreePSet.empty(), TreePMap.empty());

  /** A member joining ({@code present}) or leaving at offset {@code offs}. */
  public record Change(boolean present, long offs) {}

  /** Members as storage holds them: nothing pending. */
  public static Members stored(Collection<String> present) {
    return new Members(TreePSet.from(present), TreePMap.empty());
  }

  public Members join(String member, long offs) {
    return new Members(present.plus(member), pending.plus(member, new Change(true, offs)));
  }

  public Members leave(String member, long offs) {
    return new Members(present.minus(member), pending.plus(member, new Change(false, offs)));
  }

  /** These members once the pending changes of {@code flushed} are in storage: changes made since stay pending. */
  public Members without(Members flushed) {
    TreePMap<String, Change> left = pending;
    for (Map.Entry<String, Change> written : flushed.pending.entrySet()) {
      if (written.getValue().equals(left.get(written.getKey()))) {
        left = left.minus(written.getKey());
      }
    }
    return left == pending ? this : new Members(present, left);
  }

  /** The wire form, {@code {"ids": [sorted members], "count": n}}: it costs the value's size. */
  public JsonObject toJson() {
    return new JsonObject().put("ids", new JsonArray(new ArrayList<>(present))).put("count", present.size());
  }
}
