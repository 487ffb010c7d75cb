package io.highwater.http;

import io.highwater.partition.PartitionId;
import io.highwater.cluster.Partitioner;
import io.highwater.apps.AppRegistry;
import io.highwater.config.AppConfig;
import io.highwater.config.HighwaterConfig;
import io.highwater.watermark.Level;
import io.highwater.event.BatchParser;
import io.highwater.event.InvalidInputException;
import io.highwater.event.JsonText;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/** Turns a text frame into a {@link WebSocketRequest}, naming the offending field when it cannot. */
final class WebSocketRequestParser {

  private static final int MAX_ID_LENGTH = 128;
  private static final String ALL_ENTITIES = "*";

  private final HighwaterConfig config;
  private final AppRegistry apps;

  WebSocketRequestParser(HighwaterConfig config, AppRegistry apps) {
    this.config = config;
    this.apps = apps;
  }

  WebSocketRequest parse(String text) {
    JsonObject json = object(text);
    // The id is echoed in the error frame whenever it is Unicode text, even when something else is wrong.
    String echo = json.getValue("id") instanceof String s && JsonText.problem(s) == null ? s : null;
    String id = id(echo, json.getValue("id"));
    Object op = json.getValue("op");
    if (!(op instanceof String name)) {
      throw new WebSocketRequestException(echo, "op: expected await, watch or cancel");
    }
    return switch (name) {
      case "await" -> await(id, json);
      case "watch" -> watch(id, json);
      case "cancel" -> new WebSocketRequest.Cancel(id);
      default -> throw new WebSocketRequestException(echo, "op: expected await, watch or cancel, got '" + name + "'");
    };
  }

  private WebSocketRequest.Await await(String id, JsonObject json) {
    AppConfig app = app(id, json);
    PartitionId partition = partition(id, app, json);
    String entity = string(id, json, "entity");
    if (!app.entities().contains(entity)) {
      throw unknownEntity(id, app, entity, "");
    }
    long offset = integer(id, json, "offset", 0, Long.MAX_VALUE, null);
    long timeoutMs = integer(id, json, "timeoutMs", 1, config.reads().maxTimeoutMs(), config.reads().defaultTimeoutMs());
    return new WebSocketRequest.Await(id, partition, json.getString("ws"), entity, level(id, json), offset, timeoutMs);
  }

  private WebSocketRequest.Watch watch(String id, JsonObject json) {
    AppConfig app = app(id, json);
    PartitionId partition = partition(id, app, json);
    String entity = string(id, json, "entity");
    List<String> entities;
    if (ALL_ENTITIES.equals(entity)) {
      entities = app.entities();
    } else if (app.entities().contains(entity)) {
      entities = List.of(entity);
    } else {
      throw unknownEntity(id, app, entity, " or " + ALL_ENTITIES);
    }
    return new WebSocketRequest.Watch(id, partition, json.getString("ws"), entities, level(id, json), notes(id, json));
  }

  private static JsonObject object(String text) {
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (RuntimeException e) {
      throw new WebSocketRequestException(null, "expected a JSON object, the message is not JSON");
    }
    if (!(value instanceof JsonObject json)) {
      throw new WebSocketRequestException(null, "expected a JSON object");
    }
    return json;
  }

  private static String id(String echo, Object raw) {
    String problem = raw instanceof String s ? JsonText.problem(s) : null;
    if (problem != null) {
      throw new WebSocketRequestException(null, "id: " + problem);
    }
    if (echo == null || echo.isEmpty() || echo.codePointCount(0, echo.length()) > MAX_ID_LENGTH) {
      throw new WebSocketRequestException(echo, "id: expected a string of 1 to " + MAX_ID_LENGTH + " characters"
          + (raw == null ? "" : ", got " + Json.encode(raw)));
    }
    return echo;
  }

  private AppConfig app(String id, JsonObject json) {
    String name = string(id, json, "app");
    try {
      BatchParser.app("app", name);
    } catch (InvalidInputException e) {
      throw new WebSocketRequestException(id, e.getMessage());
    }
    return apps.app(name).orElseThrow(() -> new WebSocketRequestException(id, "app: unknown app '" + name + "'"));
  }

  private static PartitionId partition(String id, AppConfig app, JsonObject json) {
    String ws = string(id, json, "ws");
    try {
      BatchParser.workspace("ws", ws);
    } catch (InvalidInputException e) {
      throw new WebSocketRequestException(id, e.getMessage());
    }
    return new PartitionId(app.name(), Partitioner.partitionOf(ws, app.partitions()));
  }

  private static Level level(String id, JsonObject json) {
    Object raw = json.getValue("level");
    if (raw == null) {
      return Level.CACHE;
    }
    return (raw instanceof String s ? Level.parse(s) : Optional.<Level>empty())
        .orElseThrow(() -> new WebSocketRequestException(id, "level: expected cache or storage, got " + Json.encode(raw)));
  }

  private static boolean notes(String id, JsonObject json) {
    Object raw = json.getValue("notes");
    if (raw != null && !(raw instanceof Boolean)) {
      throw new WebSocketRequestException(id, "notes: expected true or false, got " + Json.encode(raw));
    }
    return Boolean.TRUE.equals(raw);
  }

  private static String string(String id, JsonObject json, String field) {
    Object raw = json.getValue(field);
    if (!(raw instanceof String s)) {
      throw new WebSocketRequestException(id, field + ": " + (raw == null ? "required" : "expected a string, got " + Json.encode(raw)));
    }
    String problem = JsonText.problem(s);
    if (problem != null) {
      throw new WebSocketRequestException(id, field + ": " + problem);
    }
    return s;
  }

  /** An integer field within [min, max]; {@code fallback} null makes it required. */
  private static long integer(String id, JsonObject json, String field, long min, long max, Long fallback) {
    Object raw = json.getValue(field);
    if (raw == null && fallback != null) {
      return fallback;
    }
    Long value = raw instanceof Integer || raw instanceof Long ? Long.valueOf(((Number) raw).longValue())
        : raw instanceof BigInteger big && big.bitLength() < 64 ? Long.valueOf(big.longValue())
        : null;
    if (value == null || value < min || value > max) {
      String range = max == Long.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
      throw new WebSocketRequestException(id, field + ": " + (raw == null ? "required, " : "") + "expected " + range
          + (raw == null ? "" : ", got " + Json.encode(raw)));
    }
    return value;
  }

  private static WebSocketRequestException unknownEntity(String id, AppConfig app, String entity, String orAll) {
    return new WebSocketRequestException(id, "entity: unknown entity '" + entity + "' of app '" + app.name()
        + "', expected " + String.join(", ", app.entities()) + orAll);
  }
}
