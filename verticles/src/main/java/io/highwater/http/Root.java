package io.highwater.http;

import io.vertx.core.json.JsonObject;

/** What {@code GET /} answers: where a newcomer with a browser or curl goes next. */
final class Root {

  private Root() {}

  static JsonObject json() {
    return new JsonObject()
        .put("name", "Highwater")
        .put("api", "/v1")
        .put("reference", "docs/api.md in the source repository")
        .put("cluster", "/v1/cluster")
        .put("health", "/health/ready")
        .put("metrics", "/metrics");
  }
}
