package io.highwater.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table lists every key of the shipped {@code conf/config.json} with the
 * variable the rule gives it and its default, so the table cannot fall behind the file. Apps are one row: their keys
 * are names the user chooses.
 */
class ConfigReferenceTest {

  private static final Path CONF_DIR = Path.of(System.getProperty("highwater.conf.dir", "../conf"));
  private static final Path README = CONF_DIR.toAbsolutePath().getParent().resolve("README.md");

  @Test
  void everyKeyHasARowWithItsVariable() throws IOException {
    JsonObject json = new JsonObject(Files.readString(CONF_DIR.resolve("config.json")));
    List<String> rows = Files.readAllLines(README).stream().filter(line -> line.startsWith("| `")).toList();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> leaf : EnvironmentOverrides.leaves(json).entrySet()) {
      String path = leaf.getValue();
      if (path.startsWith("apps.")) {
        continue;
      }
      String variable = leaf.getKey();
      String value = shown(valueAt(json, path));
      boolean listed = rows.stream().anyMatch(row -> row.startsWith("| `" + path + "` | `" + variable + "`")
          && row.split(" \\| ")[2].startsWith("`" + value + "`"));
      if (!listed) {
        missing.add("| `" + path + "` | `" + variable + "` | `" + value + "` | meaning |");
      }
    }
    assertThat(missing).as("rows missing from the configuration table of README.md").isEmpty();
    assertThat(rows).as("the apps row").anyMatch(row -> row.startsWith("| `apps` |"));
  }

  private static Object valueAt(JsonObject json, String path) {
    String[] parts = path.split("\\.");
    JsonObject parent = json;
    for (int i = 0; i < parts.length - 1; i++) {
      parent = parent.getJsonObject(parts[i]);
    }
    return parent.getValue(parts[parts.length - 1]);
  }

  /** The default as the table shows it: text as it is, anything else as JSON. */
  private static String shown(Object value) {
    return value instanceof String text ? text : io.vertx.core.json.Json.encode(value);
  }

  @Test
  void everyAliasIsListedBesideItsKey() throws IOException {
    String readme = Files.readString(README);
    EnvironmentOverrides.ALIASES.forEach((alias, path) ->
        assertThat(readme).as(alias).containsPattern("\\| `" + java.util.regex.Pattern.quote(path) + "` \\| `[A-Z_]+`, `" + alias + "`"));
  }
}
