package io.highwater.it;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The served {@code /openapi.json}, as a checker of requests and answers: each body against the
 * JSON Schema (2020-12, OpenAPI 3.1's dialect) the document gives for its operation, status and
 * media type. A status or a media type the document does not name is a problem too.
 */
final class OpenApiDocument {

  private static final String BASE = "https://highwater.test/openapi.json";

  private final JsonObject document;
  private final SchemaRegistry registry;
  private final Map<String, Schema> compiled = new HashMap<>();

  OpenApiDocument(String text) {
    // Component references made absolute, so that any fragment of the document compiles on its own.
    String absolute = text.replace("\"#/components/", "\"" + BASE + "#/components/");
    this.document = new JsonObject(absolute);
    this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        builder -> builder.schemas(Map.of(BASE, absolute)));
  }

  JsonObject json() {
    return document;
  }

  /** Every operation of the document, as "METHOD template". */
  List<String> operations() {
    List<String> operations = new ArrayList<>();
    document.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).fieldNames().stream()
        .filter(m -> List.of("get", "put", "post", "delete", "patch").contains(m))
        .forEach(m -> operations.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    return operations;
  }

  /** What is wrong with a request body for the operation; empty when it fits. */
  List<String> requestProblems(String method, String template, String body) {
    JsonObject requestBody = resolve(operation(method, template).getJsonObject("requestBody"));
    if (requestBody == null) {
      return List.of(method + " " + template + " documents no request body");
    }
    JsonObject media = requestBody.getJsonObject("content").getJsonObject("application/json");
    return validate(media.getJsonObject("schema"), body);
  }

  /** What is wrong with an answer of the operation; empty when the document describes it. */
  List<String> answerProblems(String method, String template, int status, String contentType, String body) {
    JsonObject responses = operation(method, template).getJsonObject("responses");
    JsonObject response = resolve(responses.getJsonObject(String.valueOf(status), responses.getJsonObject("default")));
    if (response == null) {
      return List.of(method + " " + template + " documents no status " + status);
    }
    JsonObject content = response.getJsonObject("content");
    if (content == null) {
      return body == null || body.isEmpty() ? List.of() : List.of("status " + status + " documents no body");
    }
    String type = contentType == null ? "" : contentType.split(";")[0].trim();
    JsonObject media = content.getJsonObject(type);
    if (media == null) {
      return List.of("status " + status + " documents " + content.fieldNames() + ", the answer is " + type);
    }
    if (type.equals("application/x-ndjson")) {
      List<String> problems = new ArrayList<>();
      body.lines().filter(l -> !l.isBlank()).forEach(line -> problems.addAll(validate(media.getJsonObject("schema"), line)));
      return problems;
    }
    if (!type.equals("application/json")) {
      return List.of();
    }
    return validate(media.getJsonObject("schema"), body);
  }

  private JsonObject operation(String method, String template) {
    JsonObject path = document.getJsonObject("paths").getJsonObject(template);
    if (path == null || path.getJsonObject(method.toLowerCase(Locale.ROOT)) == null) {
      throw new AssertionError("the document has no " + method + " " + template);
    }
    return path.getJsonObject(method.toLowerCase(Locale.ROOT));
  }

  /** Follows a {@code $ref} to components (responses, request bodies) within the document. */
  private JsonObject resolve(JsonObject object) {
    if (object == null || !object.containsKey("$ref")) {
      return object;
    }
    String[] pointer = object.getString("$ref").substring((BASE + "#/").length()).split("/");
    JsonObject target = document;
    for (String step : pointer) {
      target = target.getJsonObject(step.replace("~1", "/").replace("~0", "~"));
    }
    return target;
  }

  private List<String> validate(JsonObject schema, String body) {
    Schema compiledSchema = compiled.computeIfAbsent(schema.encode(), registry::getSchema);
    List<Error> errors = compiledSchema.validate(body == null ? "null" : body, InputFormat.JSON);
    return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
  }
}
