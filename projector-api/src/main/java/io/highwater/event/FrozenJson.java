package io.highwater.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcollections.OrderedPMap;
import org.pcollections.PMap;
import org.pcollections.TreePVector;

/**
 * Immutable JSON that shares structure: a {@link JsonObject} over a persistent map in insertion
 * order (a key set again keeps its place, as in a {@code LinkedHashMap}), a {@link JsonArray} over a
 * persistent vector, all the way down. Any attempt to change one throws, so a value can be shared by
 * the records cache, the projectors and the readers; a change is a new object that shares every
 * value it did not touch, and costs the change, not the object. Pure.
 *
 * <p>Only this class builds objects over an {@code OrderedPMap} (and arrays over a {@code
 * TreePVector}), always with frozen contents, so such an object is known to be frozen already.
 */
public final class FrozenJson {

  public static final JsonObject EMPTY = new JsonObject(OrderedPMap.empty());

  private FrozenJson() {}

  /** The object frozen: itself if it already is, else a deep copy (once, when it enters a state or a patch). */
  public static JsonObject object(JsonObject json) {
    if (json.getMap() instanceof OrderedPMap) {
      return json;
    }
    return with(EMPTY, json, List.of());
  }

  /**
   * {@code base} frozen, without the keys of {@code dissoc} and with those of {@code assoc} set (a
   * key kept keeps its place, a new one goes last); every other value is shared, not copied.
   */
  public static JsonObject with(JsonObject base, JsonObject assoc, Collection<String> dissoc) {
    PMap<String, Object> map = map(object(base)).minusAll(dissoc);
    for (Map.Entry<String, Object> field : assoc.getMap().entrySet()) {
      map = map.plus(field.getKey(), value(field.getValue()));
    }
    return new JsonObject(map);
  }

  /** A JSON value frozen: objects and arrays (or the maps and lists Vert.x may hold) deeply, scalars as they are. */
  @SuppressWarnings("unchecked")
  public static Object value(Object value) {
    if (value instanceof JsonObject json) {
      return object(json);
    }
    if (value instanceof Map<?, ?> map) {
      return object(new JsonObject((Map<String, Object>) map));
    }
    if (value instanceof JsonArray array) {
      return array(array);
    }
    if (value instanceof List<?> list) {
      return array(new JsonArray((List<Object>) list));
    }
    return value;
  }

  /**
   * A mutable deep copy in the same order, for an answer: Vert.x copies a JSON message sent within
   * a node, and its copy of an object over any map but a {@code LinkedHashMap} loses the order.
   */
  public static JsonObject thawed(JsonObject json) {
    Map<String, Object> map = new LinkedHashMap<>(json.size());
    json.getMap().forEach((key, value) -> map.put(key, thawedValue(value)));
    return new JsonObject(map);
  }

  private static Object thawedValue(Object value) {
    if (value instanceof JsonObject json) {
      return thawed(json);
    }
    if (value instanceof JsonArray array) {
      List<Object> items = new ArrayList<>(array.size());
      array.getList().forEach(item -> items.add(thawedValue(item)));
      return new JsonArray(items);
    }
    return value;
  }

  private static JsonArray array(JsonArray array) {
    if (array.getList() instanceof TreePVector) {
      return array;
    }
    List<Object> items = new ArrayList<>(array.size());
    for (Object item : array.getList()) {
      items.add(value(item));
    }
    return new JsonArray(TreePVector.from(items));
  }

  @SuppressWarnings("unchecked")
  private static PMap<String, Object> map(JsonObject frozen) {
    return (PMap<String, Object>) frozen.getMap();
  }
}
