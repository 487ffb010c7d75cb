package io.highwater.it;

import static io.highwater.it.TestNode.action;
import static io.highwater.it.TestNode.batch;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code GET /console} in a real browser (Debian's chromium through its chromedriver) against a real
 * node: the page follows the watermarks over the WebSocket as appends made through the API move
 * them, and its form appends an event and shows it consistent at cache, then at storage.
 *
 * <p>Without chromium the test fails, so that a build that cannot run it does not pass unseen; with
 * {@code -Dhighwater.browser.skip=true} it is skipped instead, saying so.
 */
class ConsoleBrowserTest {

  private static final Path CHROMIUM = Path.of(System.getProperty("highwater.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("highwater.chromedriver", "/usr/bin/chromedriver"));
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** Long enough that the page shows an offset at cache before the flush makes it storage. */
  private static final String FLUSH_MS = "700";

  @TempDir
  static Path dataDir;
  @TempDir
  static Path profileDir;
  @TempDir
  static Path confRoot;
  static TestNode node;
  static WebDriver browser;

  @BeforeAll
  static void start() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && Boolean.getBoolean("highwater.browser.skip")) {
      String why = "ConsoleBrowserTest skipped (-Dhighwater.browser.skip=true): no " + CHROMIUM + " or " + CHROMEDRIVER;
      System.out.println(why);
      Assumptions.abort(why);
    }
    assertThat(present)
        .as("ConsoleBrowserTest needs %s and %s (apt-get install chromium chromium-driver, as .ci/run does);"
            + " -Dhighwater.browser.skip=true skips it", CHROMIUM, CHROMEDRIVER)
        .isTrue();
    // Beside the bookstore, an app whose view fails on any book with a "poison" field.
    Path conf = TestNode.confWithApp(confRoot, "faulty", new JsonObject().put("partitions", 1).put("views", new JsonObject()
        .put("fragile", new JsonObject().put("projector", "failing").put("mode", "async")
            .put("options", new JsonObject().put("field", "poison")))));
    node = TestNode.start(dataDir, TestDatabase.fresh(), Map.of(
        "HIGHWATER_CONF_DIR", conf.toString(),
        "HIGHWATER_RECORDS_FLUSH_INTERVAL_MS", FLUSH_MS,
        "HIGHWATER_VIEWS_FLUSH_INTERVAL_MS", FLUSH_MS));
    browser = chromium();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void the_page_follows_appends_made_through_the_api_and_its_form_shows_an_event_becoming_consistent() throws IOException {
    String ws = "console-shop";
    append(ws, "Neuromancer", "William Gibson", "SciFi");
    browser.get("http://127.0.0.1:" + node.httpPort() + "/console");
    int partition = node.consistency(ws).getInteger("partition");
    waitForText("connection", "live");
    long loadRequests = consistencyRequests();

    // Appended through the API after the page loaded: the page learns of it only through the watch.
    long offset = append(ws, "Count Zero", "William Gibson", "SciFi");
    String records = "cell/bookstore/" + partition + "/records/";
    waitForText(records.replace("/records/", "//") + "cpOffset", String.valueOf(offset));
    waitForText(records + "cache", String.valueOf(offset));
    waitForText(records + "storage", String.valueOf(offset));
    waitForText(records + "storage-lag", "0");
    String view = "cell/bookstore/" + partition + "/view:genre_counts/";
    waitForText(view + "storage", String.valueOf(offset));
    assertThat(text(records.replace("/records/", "//") + "epoch")).isNotEqualTo("0");
    assertThat(text(records.replace("/records/", "//") + "owner")).isNotBlank().isNotEqualTo("–");
    assertThat(browser.findElement(By.id("members")).getText()).contains(node.get("/v1/cluster").bodyAsJsonObject()
        .getJsonArray("members").getJsonObject(0).getString("id"));

    // The form: an append of the page's own, then its await at cache and at storage.
    browser.findElement(By.id("probe-ws")).clear();
    browser.findElement(By.id("probe-ws")).sendKeys(ws);
    browser.findElement(By.id("probe-id")).sendKeys("Mona Lisa Overdrive");
    browser.findElement(By.id("probe-send")).click();
    new WebDriverWait(browser, WAIT).until(d -> !text("probe-offset").equals("–"));
    long probe = Long.parseLong(text("probe-offset"));
    assertThat(probe).isEqualTo(offset + 1);
    waitForAttribute("probe-cache", "data-consistent", String.valueOf(probe));
    waitForAttribute("probe-storage", "data-consistent", String.valueOf(probe));
    waitForText(records + "storage", String.valueOf(probe));
    JsonObject stored = node.get("/v1/apps/bookstore/ws/" + ws + "/aggregates/book/Mona%20Lisa%20Overdrive?consistentAt="
        + probe + "&level=storage").bodyAsJsonObject();
    assertThat(stored.getJsonObject("state").getString("genre")).isEqualTo("Probe");

    // Watermarks moved on the page without it asking for any over HTTP again.
    assertThat(consistencyRequests()).isEqualTo(loadRequests);
    Path shot = Path.of("target", "console.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void a_view_that_fails_shows_its_offset_and_error_as_the_watch_reports_it() {
    browser.get("http://127.0.0.1:" + node.httpPort() + "/console");
    waitForText("connection", "live");
    long loadRequests = consistencyRequests();
    HttpResponse<Buffer> answer = node.post("/v1/apps/faulty/ws/f/events", batch(0, action("alice", "book", "bad",
        new JsonObject().put("poison", true))));
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    long poisoned = answer.bodyAsJsonObject().getJsonArray("events").getJsonObject(0).getLong("offset");
    String note = "cell/faulty/0/view:fragile/note";
    new WebDriverWait(browser, WAIT).withMessage(() -> note + " shows '" + text(note) + "'")
        .until(d -> text(note).startsWith("failed at offset " + poisoned + ": ") && text(note).contains("poisoned aggregate"));
    assertThat(browser.findElement(By.id(note)).getDomAttribute("class")).contains("failed");
    waitForText("cell/faulty/0/view:fragile/cache-lag", "1");
    assertThat(consistencyRequests()).isEqualTo(loadRequests);
  }

  @Test
  void a_watch_with_notes_carries_the_processor_offset_the_epoch_and_the_note() throws Exception {
    WebSocketClient sockets = node.clientVertx().createWebSocketClient();
    LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    WebSocket socket = sockets.connect(node.httpPort(), "127.0.0.1", "/v1/ws").await();
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    socket.writeTextMessage(new JsonObject().put("op", "watch").put("id", "n1").put("app", "bookstore").put("ws", "notes")
        .put("entity", "records").put("notes", "yes").encode());
    JsonObject refused = frames.poll(10, TimeUnit.SECONDS);
    assertThat(refused.getString("type")).isEqualTo("error");
    assertThat(refused.getString("message")).startsWith("notes: expected true or false");

    socket.writeTextMessage(new JsonObject().put("op", "watch").put("id", "n2").put("app", "bookstore").put("ws", "notes")
        .put("entity", "records").put("notes", true).encode());
    JsonObject baseline = frames.poll(10, TimeUnit.SECONDS);
    assertThat(baseline.fieldNames()).contains("cpOffset", "epoch", "note");
    long offset = append("notes", "Pattern Recognition", "William Gibson", "SciFi");
    JsonObject moved = baseline;
    while (moved.getLong("cache") < offset) {
      moved = frames.poll(10, TimeUnit.SECONDS);
      assertThat(moved).as("an advanced frame up to " + offset).isNotNull();
    }
    assertThat(moved.getLong("cpOffset")).isGreaterThanOrEqualTo(offset);
    assertThat(moved.getLong("epoch")).isPositive();
    assertThat(moved.getJsonObject("note")).isEmpty();

    socket.writeTextMessage(new JsonObject().put("op", "watch").put("id", "plain").put("app", "bookstore").put("ws", "notes")
        .put("entity", "records").encode());
    JsonObject plain = frames.poll(10, TimeUnit.SECONDS);
    while (!plain.getString("id").equals("plain")) {
      plain = frames.poll(10, TimeUnit.SECONDS);
    }
    assertThat(plain.fieldNames()).containsExactlyInAnyOrder("id", "type", "entity", "partition", "cache", "storage");
    socket.close().await();
    sockets.close().await();
  }

  @Test
  void a_token_in_the_field_goes_as_a_bearer_header_and_as_access_token_on_the_websocket_and_none_without() {
    try (RecordingProxy proxy = new RecordingProxy(node.clientVertx(), node.httpPort())) {
      browser.get("http://127.0.0.1:" + proxy.port() + "/console");
      waitForText("connection", "live");
      assertThat(proxy.seen()).filteredOn(s -> s.uri().startsWith("/v1/")).isNotEmpty()
          .allSatisfy(s -> {
            assertThat(s.authorization()).as(s.uri()).isNull();
            assertThat(s.uri()).doesNotContain("access_token");
          });

      proxy.clear();
      browser.findElement(By.id("token")).sendKeys("a.b.c");
      browser.findElement(By.id("token-form")).submit();
      new WebDriverWait(browser, WAIT).until(d -> proxy.seen().stream().anyMatch(RecordingProxy.Seen::upgrade));
      waitForText("connection", "live");
      assertThat(proxy.seen()).filteredOn(s -> s.uri().startsWith("/v1/") && !s.upgrade()).isNotEmpty()
          .allSatisfy(s -> assertThat(s.authorization()).as(s.uri()).isEqualTo("Bearer a.b.c"));
      assertThat(proxy.seen()).filteredOn(RecordingProxy.Seen::upgrade).extracting(RecordingProxy.Seen::uri)
          .containsExactly("/v1/ws?access_token=a.b.c");
      assertThat(((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('highwater.token')")).isEqualTo("a.b.c");

      // Kept across a reload of the page in the same tab, and forgotten on request.
      browser.navigate().refresh();
      waitForText("connection", "live");
      assertThat(browser.findElement(By.id("token")).getDomProperty("value")).isEqualTo("a.b.c");
      proxy.clear();
      browser.findElement(By.id("token-clear")).click();
      new WebDriverWait(browser, WAIT).until(d -> proxy.seen().stream().anyMatch(RecordingProxy.Seen::upgrade));
      waitForText("connection", "live");
      assertThat(proxy.seen()).filteredOn(s -> s.uri().startsWith("/v1/"))
          .allSatisfy(s -> assertThat(s.authorization()).as(s.uri()).isNull())
          .extracting(RecordingProxy.Seen::uri).contains("/v1/ws");
    } finally {
      ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
    }
  }

  /**
   * A rebuild on this little data is over before a page can see it: its notes are handed to the
   * page as the watch would send them, to check what it draws of them.
   */
  @Test
  void a_rebuild_in_progress_and_a_failed_one_are_drawn_from_their_notes() {
    browser.get("http://127.0.0.1:" + node.httpPort() + "/console");
    waitForText("connection", "live");
    String note = "cell/bookstore/1/view:books_by_author/note";
    String frame = "{\"id\": \"watch/bookstore/1/cache\", \"type\": \"advanced\", \"entity\": \"view:books_by_author\","
        + " \"partition\": 1, \"cache\": 0, \"storage\": 0, \"cpOffset\": 0, \"epoch\": 1, \"note\": %s}";
    JavascriptExecutor page = (JavascriptExecutor) browser;
    page.executeScript("onFrame(JSON.parse(arguments[0]))", frame.formatted("{\"rebuild\": {\"offset\": 250, \"cpOffset\": 1000}}"));
    assertThat(text(note)).isEqualTo("rebuilding: offset 250 of 1000 (25%)");
    page.executeScript("onFrame(JSON.parse(arguments[0]))", frame.formatted("{\"rebuild\": {\"status\": \"failed\", \"error\": \"disk full\"}}"));
    assertThat(text(note)).isEqualTo("rebuild failed: disk full");
    assertThat(browser.findElement(By.id(note)).getDomAttribute("class")).contains("failed");
    page.executeScript("onFrame(JSON.parse(arguments[0]))", frame.formatted("{}"));
    assertThat(text(note)).isEmpty();
  }

  @Test
  void a_bad_append_from_the_form_is_shown_and_stores_nothing() {
    browser.get("http://127.0.0.1:" + node.httpPort() + "/console");
    waitForText("connection", "live");
    long before = totalCpOffset();
    browser.findElement(By.id("probe-ws")).clear();
    browser.findElement(By.id("probe-ws")).sendKeys("bad name");
    browser.findElement(By.id("probe-send")).click();
    new WebDriverWait(browser, WAIT).until(d -> text("probe-appended").contains("ws"));
    assertThat(browser.findElement(By.id("probe-appended")).getAttribute("class")).contains("failed");
    assertThat(text("probe-offset")).isEqualTo("–");
    assertThat(totalCpOffset()).isEqualTo(before);
  }

  private static long append(String ws, String title, String author, String genre) {
    HttpResponse<Buffer> answer = node.append(ws, batch(0, action("alice", "book", title,
        new JsonObject().put("author", author).put("genre", genre))));
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    JsonArray events = answer.bodyAsJsonObject().getJsonArray("events");
    return events.getJsonObject(events.size() - 1).getLong("offset");
  }

  private static long totalCpOffset() {
    long total = 0;
    for (int p = 0; p < 4; p++) {
      total += node.get("/v1/apps/bookstore/partitions/" + p + "/consistency").bodyAsJsonObject().getLong("cpOffset");
    }
    return total;
  }

  private static long consistencyRequests() {
    Object count = ((JavascriptExecutor) browser).executeScript(
        "return performance.getEntriesByType('resource').filter(e => e.name.includes('/consistency')).length");
    return ((Number) count).longValue();
  }

  private static String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private static void waitForText(String id, String expected) {
    new WebDriverWait(browser, WAIT).withMessage(() -> id + " never showed " + expected + ", it shows '"
        + browser.findElements(By.id(id)).stream().map(WebElement::getText).findFirst().orElse("(no such element)") + "'")
        .until(d -> d.findElements(By.id(id)).stream().anyMatch(e -> e.getText().equals(expected)));
  }

  private static void waitForAttribute(String id, String attribute, String expected) {
    new WebDriverWait(browser, WAIT).withMessage(() -> id + " never had " + attribute + "=" + expected + ", it shows '" + text(id) + "'")
        .until(d -> expected.equals(d.findElement(By.id(id)).getDomAttribute(attribute)));
  }

  private static WebDriver chromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1280,1250", "--user-data-dir=" + profileDir);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
