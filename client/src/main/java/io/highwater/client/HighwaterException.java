package io.highwater.client;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * An error the server answered: the HTTP {@code status} (for a WebSocket error frame, the status the
 * contract gives its code, 0 when it gives none), the contract's {@code code} ({@code bad_request},
 * {@code invalid_offset}, {@code not_found}, {@code payload_too_large}, {@code timeout},
 * {@code unavailable}…), its message, and the whole answer ({@code body}, null when it was not JSON),
 * e.g. {@code nextOffset} beside an {@code invalid_offset} error.
 */
public class HighwaterException extends RuntimeException {

  private final int status;
  private final String code;
  private final transient JsonObject body;

  public HighwaterException(int status, String code, String message, JsonObject body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** The whole answer (or frame), null when it was not a JSON object. */
  public JsonObject body() {
    return body == null ? null : body.copy();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + ": " + status + " " + code + ": " + getMessage();
  }

  /** The typed error of a non-success HTTP answer: {@code {"error": {"code", "message"}, …}}. */
  public static HighwaterException fromResponse(int status, Buffer raw) {
    JsonObject body = null;
    if (raw != null && raw.length() > 0) {
      try {
        body = new JsonObject(raw);
      } catch (DecodeException | ClassCastException notJson) {
        body = null;
      }
    }
    JsonObject error = body == null ? null : body.getValue("error") instanceof JsonObject e ? e : null;
    String code = error != null && error.getValue("code") instanceof String c ? c : codeOf(status);
    String message = error != null && error.getValue("message") instanceof String m ? m
        : raw == null || raw.length() == 0 ? "HTTP " + status : "HTTP " + status + ": " + truncate(raw.toString());
    if ("timeout".equals(code)) {
      return new ConsistencyTimeoutException(status, message, body);
    }
    return new HighwaterException(status, code, message, body);
  }

  /** The typed error of a WebSocket {@code error} frame: {@code {"id", "type": "error", "code", "message"}}. */
  public static HighwaterException fromFrame(JsonObject frame) {
    String code = frame.getValue("code") instanceof String c ? c : "error";
    String message = frame.getValue("message") instanceof String m ? m : frame.encode();
    return new HighwaterException(statusOf(code), code, message, frame);
  }

  /** The contract's status for an error code; 0 for a code it does not list. */
  static int statusOf(String code) {
    return switch (code) {
      case "bad_request", "invalid_offset" -> 400;
      case "unauthorized" -> 401;
      case "forbidden" -> 403;
      case "not_found" -> 404;
      case "conflict" -> 409;
      case "payload_too_large" -> 413;
      case "unavailable" -> 503;
      case "timeout" -> 504;
      default -> 0;
    };
  }

  static String codeOf(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 503 -> "unavailable";
      case 504 -> "timeout";
      default -> "http_" + status;
    };
  }

  private static String truncate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }
}
