package io.highwater.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** An error answer of the wire contract: {@code {"error": {"code", "message"}}} plus any extra fields. */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final JsonObject extra;

  public ApiError(int status, String code, String message, JsonObject extra) {
    super(message == null || message.isBlank() ? code : message, null, false, false);
    this.status = status;
    this.code = code;
    this.extra = extra;
  }

  public static ApiError badRequest(String field, String message) {
    return new ApiError(400, "bad_request", field + ": " + message, new JsonObject());
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message, new JsonObject());
  }

  public static ApiError of(io.highwater.auth.AuthFailure refused) {
    return new ApiError(refused.status(), refused.code(), refused.getMessage(), new JsonObject());
  }

  public static ApiError methodNotAllowed(String message) {
    return new ApiError(405, "method_not_allowed", message, new JsonObject());
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, "unavailable", message, new JsonObject());
  }

  /** A 504 carrying the entity's current watermarks for a read that did not catch up in time; any other failure as it is. */
  static Throwable timeoutOr(Throwable e, String entity) {
    if (e instanceof io.highwater.coordinator.WatermarkTimeoutException timeout) {
      return new ApiError(504, "timeout", entity + " did not reach the requested offset in time",
          timeout.latest().entity(entity).toJson());
    }
    return e;
  }

  public int status() {
    return status;
  }

  public JsonObject toJson() {
    return extra.copy().put("error", new JsonObject().put("code", code).put("message", getMessage()));
  }

  public void send(RoutingContext ctx) {
    Responses.json(ctx, status, toJson());
  }

  /** The contract's code for a status that Vert.x Web itself produced (e.g. 413 from the body limit). */
  static ApiError forStatus(int status, String message) {
    String code = switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "payload_too_large";
      case 504 -> "timeout";
      case 503 -> "unavailable";
      default -> "internal";
    };
    return new ApiError(status, code, message, new JsonObject());
  }
}
