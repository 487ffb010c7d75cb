package io.highwater.projector;

import io.vertx.core.json.JsonObject;

/**
 * What a projector wants done to its view, in the event's workspace. A whole-value projector puts
 * and deletes values; a {@link Projector#perMember() per-member} one joins and leaves members.
 */
public interface Intents {

  void put(String key, JsonObject value);

  void delete(String key);

  /** Adds {@code member} to the key's members (the key appears once a member joined it). */
  void join(String key, String member);

  /** Removes {@code member} from the key's members; the key stays, empty or not. */
  void leave(String key, String member);
}
