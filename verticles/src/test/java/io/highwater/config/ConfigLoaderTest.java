package io.highwater.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.partition.PartitionId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ConfigLoader#applyEnvironment}, {@link HighwaterConfig#fromJson}, {@link AppConfig} and {@link ViewConfig} over the shipped conf/config.json. */
class ConfigLoaderTest {

  private static final Path CONF_DIR = Path.of(System.getProperty("highwater.conf.dir", "../conf"));

  private JsonObject json;

  @BeforeEach
  void readShippedConfig() throws IOException {
    json = new JsonObject(Files.readString(CONF_DIR.resolve("config.json")));
  }

  private HighwaterConfig withEnv(Map<String, String> env) {
    return HighwaterConfig.fromJson(ConfigLoader.applyEnvironment(json, env), CONF_DIR);
  }

  private JsonObject bookstoreView(String name) {
    return json.getJsonObject("apps").getJsonObject("bookstore").getJsonObject("views").getJsonObject(name);
  }

  @Nested
  class Threads {

    @Test
    void theEnvironmentSetsTheCounts() {
      HighwaterConfig config = withEnv(Map.of("HIGHWATER_EVENT_LOOPS", "3", "HIGHWATER_HTTP_INSTANCES", "1"));
      assertThat(config.threads().eventLoopCount(2)).isEqualTo(3);
      assertThat(config.threads().httpInstanceCount(2)).isEqualTo(1);
    }

    @Test
    void aNegativeCountIsRefusedNamingTheField() {
      assertThatThrownBy(() -> withEnv(Map.of("HIGHWATER_EVENT_LOOPS", "-1")))
          .hasMessageContaining("threads").hasMessageContaining("eventLoops -1");
    }
  }

  @Nested
  class Defaults {

    @Test
    void serverSettings() {
      HighwaterConfig config = withEnv(Map.of());
      assertThat(config.http()).isEqualTo(new HighwaterConfig.Http("0.0.0.0", 8080));
      assertThat(config.threads().eventLoopCount(2)).isEqualTo(2);
      assertThat(config.threads().httpInstanceCount(4)).isEqualTo(4);
      assertThat(config.dataDir()).isEqualTo(Path.of("data"));
      assertThat(config.postgres().url()).isEmpty();
      assertThat(config.postgres().poolSize()).isEqualTo(8);
      assertThat(config.cluster().port()).isEqualTo(5701);
      assertThat(config.cluster().host()).isEqualTo("127.0.0.1");
      assertThat(config.cluster().members()).isEmpty();
      assertThat(config.records().flushIntervalMs()).isEqualTo(50);
      assertThat(config.views().flushIntervalMs()).isEqualTo(50);
      assertThat(config.limits().maxEvents()).isEqualTo(1000);
      assertThat(config.limits().maxBodyBytes()).isEqualTo(1 << 20);
      assertThat(config.confDir()).isEqualTo(CONF_DIR);
    }

    @Test
    void bookstoreApp() {
      HighwaterConfig config = withEnv(Map.of());
      assertThat(config.apps()).containsOnlyKeys("bookstore");
      AppConfig app = config.app("bookstore").orElseThrow();
      assertThat(app.name()).isEqualTo("bookstore");
      assertThat(app.partitions()).isEqualTo(4);
      assertThat(app.partitionIds()).containsExactly(
          new PartitionId("bookstore", 0), new PartitionId("bookstore", 1),
          new PartitionId("bookstore", 2), new PartitionId("bookstore", 3));
      assertThat(config.partitions()).hasSize(4);
      assertThat(config.app("library")).isEmpty();

      assertThat(app.views()).containsOnlyKeys("books_by_author", "genre_counts");
      assertThat(app.view("books_by_author")).contains(new ViewConfig("books_by_author", "index", false,
          new JsonObject().put("type", "book").put("field", "author")));
      assertThat(app.view("genre_counts")).contains(new ViewConfig("genre_counts", "count", true,
          new JsonObject().put("type", "book").put("field", "genre")));
      assertThat(app.view("nope")).isEmpty();
      assertThat(app.entities()).containsExactly("records", "view:books_by_author", "view:genre_counts");
    }

    @Test
    void applyEnvironmentReturnsACopy() {
      JsonObject original = json.copy();
      JsonObject out = ConfigLoader.applyEnvironment(json, Map.of("HIGHWATER_HTTP_PORT", "9090"));
      assertThat(json).isEqualTo(original);
      assertThat(out.getJsonObject("http").getInteger("port")).isEqualTo(9090);
    }

    @Test
    void blankOverridesAreIgnored() {
      HighwaterConfig config = withEnv(Map.of("HIGHWATER_HTTP_PORT", "  ", "HIGHWATER_PG_URL", ""));
      assertThat(config.http().port()).isEqualTo(8080);
      assertThat(config.postgres().url()).isEmpty();
    }
  }

  @Nested
  class Overrides {

    @Test
    void httpHostAndPort() {
      HighwaterConfig config = withEnv(Map.of("HIGHWATER_HTTP_HOST", "127.0.0.2", "HIGHWATER_HTTP_PORT", " 9090 "));
      assertThat(config.http()).isEqualTo(new HighwaterConfig.Http("127.0.0.2", 9090));
    }

    @Test
    void authAndTls() {
      HighwaterConfig defaults = withEnv(Map.of());
      assertThat(defaults.auth().checks()).isTrue();
      assertThat(defaults.auth().hs256Secret()).isEmpty();
      assertThat(defaults.http().tls()).isFalse();
      HighwaterConfig config = withEnv(Map.of("HIGHWATER_AUTH_HS256_SECRET", "c2VjcmV0", "HIGHWATER_HTTP_TLS_CERT_FILE", "/c.pem",
          "HIGHWATER_HTTP_TLS_KEY_FILE", "/k.pem"));
      assertThat(config.auth().hs256Secret()).contains("c2VjcmV0");
      assertThat(config.http().tlsCertFile()).contains("/c.pem");
      assertThat(config.http().tlsKeyFile()).contains("/k.pem");
      assertThat(withEnv(Map.of("HIGHWATER_AUTH", "none")).auth().checks()).isFalse();
      // The generic name, and the older short one as its alias: given both, they must agree.
      assertThat(withEnv(Map.of("HIGHWATER_AUTH_MODE", "none")).auth().checks()).isFalse();
      assertThat(withEnv(Map.of("HIGHWATER_AUTH_MODE", "none", "HIGHWATER_AUTH", "none")).auth().checks()).isFalse();
      assertThatThrownBy(() -> withEnv(Map.of("HIGHWATER_AUTH_MODE", "jwt", "HIGHWATER_AUTH", "none")))
          .hasMessageContaining("HIGHWATER_AUTH").hasMessageContaining("auth.mode");
      assertThatThrownBy(() -> withEnv(Map.of("HIGHWATER_AUTH", "off"))).hasMessageContaining("auth.mode");
      assertThatThrownBy(() -> withEnv(Map.of("HIGHWATER_HTTP_TLS_CERT_FILE", "/c.pem"))).hasMessageContaining("tlsKeyFile");
      assertThatThrownBy(() -> withEnv(Map.of("HIGHWATER_AUTH_HS256_SECRET", "c2VjcmV0", "HIGHWATER_AUTH_PUBLIC_KEY_FILE", "/p.pem")))
          .hasMessageContaining("not both");
    }

    @Test
    void postgresUrlAndPoolSize() {
      HighwaterConfig config = withEnv(Map.of(
          "HIGHWATER_PG_URL", "postgresql://hw:secret@db:5432/highwater", "HIGHWATER_PG_POOL_SIZE", "16"));
      assertThat(config.postgres().url()).isEqualTo(Optional.of("postgresql://hw:secret@db:5432/highwater"));
      assertThat(config.postgres().poolSize()).isEqualTo(16);
    }

    @Test
    void dataDir() {
      assertThat(withEnv(Map.of("HIGHWATER_DATA_DIR", "/var/lib/highwater")).dataDir())
          .isEqualTo(Path.of("/var/lib/highwater"));
    }

    @Test
    void theEventBusPortIsAnyFreeOneUnlessPinned() {
      assertThat(withEnv(Map.of()).cluster().eventBusPort()).isZero();
      assertThat(withEnv(Map.of("HIGHWATER_CLUSTER_EVENT_BUS_PORT", "5702")).cluster().eventBusPort()).isEqualTo(5702);
    }

    @Test
    void clusterNameHostAndPort() {
      HighwaterConfig config = withEnv(Map.of(
          "HIGHWATER_CLUSTER_NAME", "prod", "HIGHWATER_CLUSTER_HOST", "10.0.0.5", "HIGHWATER_CLUSTER_PORT", "5801"));
      assertThat(config.cluster().name()).isEqualTo("prod");
      assertThat(config.cluster().host()).isEqualTo("10.0.0.5");
      assertThat(config.cluster().port()).isEqualTo(5801);
      assertThat(config.cluster().hazelcastConfig()).isEqualTo("hazelcast.xml");
    }

    @Test
    void clusterMembersCommaListTrimmed() {
      HighwaterConfig config = withEnv(Map.of("HIGHWATER_CLUSTER_MEMBERS", " node-a:5701 ,node-b:5701,  node-c:5702 ,, "));
      assertThat(config.cluster().members()).containsExactly("node-a:5701", "node-b:5701", "node-c:5702");

      assertThat(withEnv(Map.of("HIGHWATER_CLUSTER_MEMBERS", "solo:5701")).cluster().members())
          .isEqualTo(List.of("solo:5701"));
    }

    @Test
    void flushIntervals() {
      HighwaterConfig config = withEnv(Map.of(
          "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "250", "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", "1000"));
      assertThat(config.records().flushIntervalMs()).isEqualTo(250);
      assertThat(config.views().flushIntervalMs()).isEqualTo(1000);
      // the rest of those sections keeps its defaults
      assertThat(config.records().bundleSize()).isEqualTo(2000);
      assertThat(config.views().logPageSize()).isEqualTo(2000);
    }

    @Test
    void viewRetries() {
      assertThat(withEnv(Map.of()).views().retry()).isEqualTo(new HighwaterConfig.Retry(5, 1000, 60000));
      HighwaterConfig config = withEnv(Map.of("HIGHWATER_VIEWS_RETRY_ATTEMPTS", "2",
          "HIGHWATER_VIEWS_RETRY_INITIAL_BACKOFF_MS", "10", "HIGHWATER_VIEWS_RETRY_MAX_BACKOFF_MS", "40"));
      assertThat(config.views().retry()).isEqualTo(new HighwaterConfig.Retry(2, 10, 40));
    }

    @Test
    void overridesLeaveTheAppsAlone() {
      HighwaterConfig config = withEnv(Map.of("HIGHWATER_HTTP_PORT", "1", "HIGHWATER_DATA_DIR", "d"));
      assertThat(config.app("bookstore").orElseThrow().partitions()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HIGHWATER_HTTP_PORT", "HIGHWATER_PG_POOL_SIZE", "HIGHWATER_CLUSTER_PORT",
        "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", "HIGHWATER_VIEWS_RETRY_ATTEMPTS",
        "HIGHWATER_VIEWS_RETRY_INITIAL_BACKOFF_MS", "HIGHWATER_VIEWS_RETRY_MAX_BACKOFF_MS"})
    void nonNumericValueNamesTheVariable(String variable) {
      assertThatThrownBy(() -> ConfigLoader.applyEnvironment(json, Map.of(variable, "eighty")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(variable)
          .hasMessageContaining("eighty");
    }

    @Test
    void nonNumericPortIsNotANumberFormatExceptionAlone() {
      assertThatThrownBy(() -> ConfigLoader.applyEnvironment(json, Map.of("HIGHWATER_HTTP_PORT", "80a")))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("HIGHWATER_HTTP_PORT")
          .hasCauseInstanceOf(NumberFormatException.class);
    }
  }

  @Nested
  class BadViews {

    @Test
    void unknownModeNamesThePath() {
      bookstoreView("books_by_author").put("mode", "sometimes");
      assertThatThrownBy(() -> withEnv(Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("apps.bookstore.views.books_by_author.mode")
          .hasMessageContaining("sometimes");
    }

    @Test
    void missingProjectorNamesThePath() {
      bookstoreView("genre_counts").remove("projector");
      assertThatThrownBy(() -> withEnv(Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("apps.bookstore.views.genre_counts.projector");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Books", "books-by-title", "1books", "_books", ""})
    void badViewNameNamesThePath(String name) {
      json.getJsonObject("apps").getJsonObject("bookstore").getJsonObject("views")
          .put(name, new JsonObject().put("projector", "index").put("options", new JsonObject()));
      assertThatThrownBy(() -> withEnv(Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("apps.bookstore.views." + name + ":");
    }

    @Test
    void viewNameAtTheLengthLimit() {
      String longest = "v" + "a".repeat(62);
      JsonObject view = new JsonObject().put("projector", "index");
      assertThat(ViewConfig.fromJson("bookstore", longest, view).name()).isEqualTo(longest);
      assertThatThrownBy(() -> ViewConfig.fromJson("bookstore", longest + "a", view))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("apps.bookstore.views." + longest + "a");
    }

    @Test
    void modeDefaultsToAsyncAndOptionsToEmpty() {
      ViewConfig view = ViewConfig.fromJson("bookstore", "titles", new JsonObject().put("projector", "index"));
      assertThat(view.sync()).isFalse();
      assertThat(view.options()).isEqualTo(new JsonObject());
      assertThat(view.entity()).isEqualTo("view:titles");
    }

    @Test
    void nonPositivePartitionsNamesThePath() {
      json.getJsonObject("apps").getJsonObject("bookstore").put("partitions", 0);
      assertThatThrownBy(() -> withEnv(Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("apps.bookstore.partitions");
    }

    @Test
    void appWithoutViewsTracksOnlyRecords() {
      AppConfig app = AppConfig.fromJson("plain", new JsonObject().put("partitions", 2));
      assertThat(app.views()).isEmpty();
      assertThat(app.entities()).containsExactly("records");
      assertThat(app.partitionIds()).containsExactly(new PartitionId("plain", 0), new PartitionId("plain", 1));
    }

    @Test
    void viewsAreUnmodifiable() {
      AppConfig app = withEnv(Map.of()).app("bookstore").orElseThrow();
      assertThatThrownBy(() -> app.views().clear()).isInstanceOf(UnsupportedOperationException.class);
      assertThat(new JsonArray(app.entities())).hasSize(3);
    }
  }
}
