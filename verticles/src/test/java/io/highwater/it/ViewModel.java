package io.highwater.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What the bundled views should hold, computed from the events alone. */
final class ViewModel {
  final Map<String, Map<String, JsonObject>> books = new HashMap<>();
  final Map<String, Set<String>> authorKeys = new HashMap<>();
  final Map<String, Set<String>> genreKeys = new HashMap<>();

  void apply(String ws, String book, JsonObject assoc, List<String> dissoc) {
    JsonObject state = books.computeIfAbsent(ws, w -> new TreeMap<>()).computeIfAbsent(book, b -> new JsonObject());
    touch(ws, state, assoc, dissoc, "author", authorKeys);
    touch(ws, state, assoc, dissoc, "genre", genreKeys);
    dissoc.forEach(state::remove);
    assoc.forEach(e -> state.put(e.getKey(), e.getValue()));
  }

  private static void touch(String ws, JsonObject state, JsonObject assoc, List<String> dissoc, String field, Map<String, Set<String>> keys) {
    Object before = state.getValue(field);
    Object after = assoc.containsKey(field) ? assoc.getValue(field) : dissoc.contains(field) ? null : before;
    if (before != null && !before.equals(after)) {
      keys.computeIfAbsent(ws, w -> new TreeSet<>()).add(before.toString());
    }
    if (after != null) {
      keys.computeIfAbsent(ws, w -> new TreeSet<>()).add(after.toString());
    }
  }

  JsonObject byAuthor(String ws, String author) {
    List<String> ids = books.getOrDefault(ws, Map.of()).entrySet().stream()
        .filter(e -> author.equals(e.getValue().getString("author")))
        .map(Map.Entry::getKey).sorted().toList();
    return new JsonObject().put("ids", new JsonArray(new ArrayList<>(ids))).put("count", ids.size());
  }

  JsonObject genreCount(String ws, String genre) {
    long n = books.getOrDefault(ws, Map.of()).values().stream().filter(s -> genre.equals(s.getString("genre"))).count();
    return new JsonObject().put("count", n);
  }
}
