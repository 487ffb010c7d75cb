package io.highwater.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchParserTest {

  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
  private static final BatchParser PARSER = new BatchParser(1000, Clock.fixed(NOW, ZoneOffset.UTC));

  /** An action event with the given extra members (JSON text, may be empty). */
  private static String action(String extra) {
    return "{\"action\": {\"reason\": \"create\", \"actor\": [\"user\", \"alice\"],"
        + " \"aggregate\": [\"book\", \"b1\"], \"patch\": {\"assoc\": {\"title\": \"T\", \"author\": \"A\"}}}"
        + (extra.isEmpty() ? "" : ", " + extra) + "}";
  }

  private static String action() {
    return action("");
  }

  /** An action event whose action object is {@code body}. */
  private static String actionWith(String body) {
    return "{\"action\": " + body + "}";
  }

  private static String effect(String extra) {
    return "{\"effect\": {\"reason\": \"key-expired\", \"trigger\": [\"encryption-key\", 1]}"
        + (extra.isEmpty() ? "" : ", " + extra) + "}";
  }

  /** A body with the given events (JSON texts). */
  private static String body(String... events) {
    return "{\"events\": [" + String.join(", ", events) + "]}";
  }

  private static Batch parse(String json) {
    return PARSER.parse(new JsonObject(json));
  }

  private static Event parseOne(String event) {
    return parse(body(event)).events().get(0);
  }

  private static void assertInvalid(String json, String field) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo(field));
  }

  private static void assertInvalidEvent(String event, String field) {
    assertInvalid(body(event), field);
  }

  /** An aggregate [type, id] pair with the given JSON in place of the aggregate form. */
  private static String aggregateForm(String form) {
    return actionWith("{\"reason\": \"r\", \"actor\": [\"user\", \"a\"], \"aggregate\": " + form
        + ", \"patch\": {}}");
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void parsesTheFullExampleOfTheContract() {
    String json = """
        {
          "baseOffset": 0,
          "resolved": [],
          "events": [
            {"id": "6f1c…", "timestamp": "2026-11-24T07:00:00Z", "source": "bookstore",
             "action": {"reason": "create", "actor": ["user", "alice"], "aggregate": ["book", "Neuromancer"],
                        "patch": {"assoc": {"author": "William Gibson", "genre": "SciFi"}, "dissoc": []}},
             "triggers": [["encryption-key", 1]]},
            {"timestamp": "2026-11-24T07:00:01Z", "source": "keystore",
             "effect": {"reason": "key-expired", "trigger": ["encryption-key", 1]}}
          ]
        }
        """;

    Batch batch = parse(json);

    assertThat(batch.baseOffset()).isZero();
    assertThat(batch.resolved()).isEmpty();
    assertThat(batch.dry()).isFalse();
    assertThat(batch.events()).containsExactly(
        new Event("6f1c…", Instant.parse("2026-11-24T07:00:00Z"), "bookstore",
            new Action("create", new Actor("user", "alice"), new Aggregate("book", "Neuromancer"),
                new Patch(new JsonObject().put("author", "William Gibson").put("genre", "SciFi"), List.of())),
            null, List.of(new Trigger("encryption-key", "1")), List.of()),
        new Event(null, Instant.parse("2026-11-24T07:00:01Z"), "keystore", null,
            new Effect("key-expired", new Trigger("encryption-key", "1")), List.of(), List.of()));
    assertThat(batch.events().get(0).isAction()).isTrue();
    assertThat(batch.events().get(1).isAction()).isFalse();
  }

  @Test
  void fillsDefaults() {
    Batch batch = parse(body(actionWith(
        "{\"reason\": \"r\", \"actor\": [\"user\", \"a\"], \"aggregate\": [\"book\", 7], \"patch\": {}}")));

    assertThat(batch.baseOffset()).isZero();
    assertThat(batch.resolved()).isEmpty();
    assertThat(batch.dry()).isFalse();
    Event event = batch.events().get(0);
    assertThat(event.id()).isNull();
    assertThat(event.timestamp()).isEqualTo(NOW);
    assertThat(event.source()).isEqualTo("api");
    assertThat(event.action().aggregate()).isEqualTo(new Aggregate("book", "7"));
    assertThat(event.action().patch()).isEqualTo(new Patch(new JsonObject(), List.of()));
    assertThat(event.triggers()).isEmpty();
    assertThat(event.seal()).isEmpty();
  }

  @Test
  void treatsNullOptionalFieldsAsAbsent() {
    Batch batch = parse("{\"baseOffset\": null, \"resolved\": null, \"dry\": null, \"events\": ["
        + action("\"id\": null, \"timestamp\": null, \"source\": null, \"effect\": null,"
            + " \"triggers\": null, \"seal\": null") + "]}");

    Event event = batch.events().get(0);
    assertThat(batch.baseOffset()).isZero();
    assertThat(event.id()).isNull();
    assertThat(event.timestamp()).isEqualTo(NOW);
    assertThat(event.source()).isEqualTo("api");
    assertThat(event.isAction()).isTrue();
  }

  @Test
  void reportsTheFirstBadFieldInOrder() {
    assertInvalid("{\"foo\": 1, \"baseOffset\": -1, \"events\": []}", "foo");
    assertInvalid("{\"baseOffset\": -1, \"events\": []}", "baseOffset");
    assertInvalid(body(action(), "{\"bogus\": 1, \"effect\": 3}"), "events[1].bogus");
  }

  @Test
  void constructorRejectsNonPositiveLimit() {
    assertThatThrownBy(() -> new BatchParser(0, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsNullBody() {
    assertThatThrownBy(() -> PARSER.parse(null)).isInstanceOf(InvalidInputException.class);
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class TopLevel {

    @Test
    void rejectsUnknownFieldsByName() {
      assertInvalid("{\"events\": [" + action() + "], \"baseoffset\": 1}", "baseoffset");
      assertInvalid("{\"extra\": true, \"events\": [" + action() + "]}", "extra");
    }

    @Test
    void acceptsIntegralBaseOffsets() {
      assertThat(parse("{\"baseOffset\": 7, \"events\": [" + action() + "]}").baseOffset()).isEqualTo(7);
      assertThat(parse("{\"baseOffset\": 7.0, \"events\": [" + action() + "]}").baseOffset()).isEqualTo(7);
      assertThat(parse("{\"baseOffset\": 9007199254740993, \"events\": [" + action() + "]}").baseOffset())
          .isEqualTo(9007199254740993L);
      assertThat(parse("{\"baseOffset\": 0, \"events\": [" + action() + "]}").baseOffset()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "\"3\"", "-1", "true", "[]", "{}", "1e19", "12345678901234567890"})
    void rejectsBadBaseOffsets(String value) {
      assertInvalid("{\"baseOffset\": " + value + ", \"events\": [" + action() + "]}", "baseOffset");
    }

    @Test
    void parsesResolvedAndCollapsesDuplicates() {
      Batch batch = parse("{\"baseOffset\": 3, \"resolved\": [5, 4, 5, 6.0], \"events\": [" + action() + "]}");
      assertThat(batch.resolved()).isEqualTo(Set.of(4L, 5L, 6L));
    }

    @Test
    void rejectsBadResolved() {
      String events = ", \"events\": [" + action() + "]}";
      assertInvalid("{\"resolved\": 1" + events, "resolved");
      assertInvalid("{\"resolved\": {}" + events, "resolved");
      assertInvalid("{\"resolved\": [1, 0]" + events, "resolved[1]");
      assertInvalid("{\"resolved\": [1, 2, \"3\"]" + events, "resolved[2]");
      assertInvalid("{\"resolved\": [2.5]" + events, "resolved[0]");
      assertInvalid("{\"resolved\": [-4]" + events, "resolved[0]");
      assertInvalid("{\"resolved\": [null]" + events, "resolved[0]");
    }

    @Test
    void parsesDry() {
      assertThat(parse("{\"dry\": true, \"events\": [" + action() + "]}").dry()).isTrue();
      assertThat(parse("{\"dry\": false, \"events\": [" + action() + "]}").dry()).isFalse();
      assertInvalid("{\"dry\": \"yes\", \"events\": [" + action() + "]}", "dry");
      assertInvalid("{\"dry\": 1, \"events\": [" + action() + "]}", "dry");
    }

    @Test
    void requiresANonEmptyArrayOfEventObjects() {
      assertInvalid("{}", "events");
      assertInvalid("{\"events\": null}", "events");
      assertInvalid("{\"events\": []}", "events");
      assertInvalid("{\"events\": {}}", "events");
      assertInvalid("{\"events\": " + action() + "}", "events");
      assertInvalid(body("1"), "events[0]");
      assertInvalid(body(action(), "[]"), "events[1]");
      assertInvalid(body(action(), "null"), "events[1]");
    }

    @Test
    void refusesMoreThanMaxEvents() {
      BatchParser small = new BatchParser(3, Clock.systemUTC());
      JsonObject three = new JsonObject(body(action(), action(), action()));
      JsonObject four = new JsonObject(body(action(), action(), action(), "\"never looked at\""));

      assertThat(small.parse(three).events()).hasSize(3);
      assertThatThrownBy(() -> small.parse(four))
          .isInstanceOf(PayloadTooLargeException.class)
          .hasMessageContaining("3");
    }

    @Test
    void acceptsTheProductionLimitExactly() {
      JsonArray events = new JsonArray();
      for (int i = 0; i < 1000; i++) {
        events.add(new JsonObject(action()));
      }
      assertThat(PARSER.parse(new JsonObject().put("events", events)).events()).hasSize(1000);
      events.add(new JsonObject(action()));
      assertThatThrownBy(() -> PARSER.parse(new JsonObject().put("events", events)))
          .isInstanceOf(PayloadTooLargeException.class);
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Events {

    @Test
    void rejectsUnknownKeys() {
      assertInvalidEvent(action("\"offset\": 3"), "events[0].offset");
      assertInvalid(body(action(), effect("\"Id\": \"x\"")), "events[1].Id");
    }

    @Test
    void requiresExactlyOneOfActionOrEffect() {
      assertInvalidEvent("{\"id\": \"x\"}", "events[0]");
      assertInvalidEvent(action("\"effect\": {\"reason\": \"r\", \"trigger\": [\"k\", 1]}"), "events[0]");
      assertThatThrownBy(() -> parse(body("{}")))
          .hasMessageContaining("an event has exactly one of action or effect");
    }

    @Test
    void parsesIds() {
      String max = "x".repeat(128);
      assertThat(parseOne(action("\"id\": \"" + max + "\"")).id()).isEqualTo(max);
      assertThat(parseOne(action("\"id\": \" \"")).id()).isEqualTo(" ");
      // 128 characters, 256 UTF-16 units: the limit counts characters.
      String emoji = "😀".repeat(128);
      assertThat(parseOne(action("\"id\": \"" + emoji + "\"")).id()).isEqualTo(emoji);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "1", "true", "[\"a\"]", "{}"})
    void rejectsBadIds(String id) {
      assertInvalidEvent(action("\"id\": " + id), "events[0].id");
    }

    @Test
    void rejectsTooLongId() {
      assertInvalidEvent(action("\"id\": \"" + "x".repeat(129) + "\""), "events[0].id");
    }

    @Test
    void rejectsDuplicateIdsInABatch() {
      assertInvalid(body(action("\"id\": \"a\""), action("\"id\": \"b\""), effect("\"id\": \"a\"")),
          "events[2].id");
      assertThatThrownBy(() -> parse(body(action("\"id\": \"a\""), action("\"id\": \"a\""))))
          .hasMessageContaining("duplicate id in batch");
      // Events without an id never clash.
      assertThat(parse(body(action(), action())).events()).hasSize(2);
    }

    @Test
    void parsesTimestamps() {
      assertThat(parseOne(action("\"timestamp\": \"2026-11-24T07:00:00.123Z\"")).timestamp())
          .isEqualTo(Instant.parse("2026-11-24T07:00:00.123Z"));
      assertThat(parseOne(action("\"timestamp\": \"2026-11-24T08:00:00+01:00\"")).timestamp())
          .isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
      assertThat(parseOne(action("\"timestamp\": \"2026-11-24T02:30:00-04:30\"")).timestamp())
          .isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"yesterday\"", "\"2026-11-24\"", "\"2026-11-24T07:00:00\"", "\"\"",
        "1764000000", "true"})
    void rejectsBadTimestamps(String timestamp) {
      assertInvalidEvent(action("\"timestamp\": " + timestamp), "events[0].timestamp");
    }

    @Test
    void parsesSources() {
      assertThat(parseOne(action("\"source\": \"bookstore\"")).source()).isEqualTo("bookstore");
      String max = "s".repeat(256);
      assertThat(parseOne(effect("\"source\": \"" + max + "\"")).source()).isEqualTo(max);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"   \"", "1", "false", "[]"})
    void rejectsBadSources(String source) {
      assertInvalidEvent(action("\"source\": " + source), "events[0].source");
    }

    @Test
    void rejectsTooLongSource() {
      assertInvalidEvent(action("\"source\": \"" + "s".repeat(257) + "\""), "events[0].source");
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Actions {

    private static final String REST = "\"actor\": [\"user\", \"a\"], \"aggregate\": [\"book\", \"b\"], \"patch\": {}";

    @Test
    void parsesAnAction() {
      Action action = parseOne(action()).action();
      assertThat(action).isEqualTo(new Action("create", new Actor("user", "alice"),
          new Aggregate("book", "b1"), new Patch(new JsonObject().put("title", "T").put("author", "A"), List.of())));
    }

    @Test
    void requiresAnObject() {
      assertInvalidEvent(actionWith("[]"), "events[0].action");
      assertInvalidEvent(actionWith("\"create\""), "events[0].action");
    }

    @Test
    void rejectsUnknownKeys() {
      assertInvalidEvent(actionWith("{\"reason\": \"r\", " + REST + ", \"when\": 1}"), "events[0].action.when");
    }

    @Test
    void requiresEachKey() {
      assertInvalidEvent(actionWith("{" + REST + "}"), "events[0].action.reason");
      assertInvalidEvent(actionWith("{\"reason\": \"r\", \"aggregate\": [\"book\", \"b\"], \"patch\": {}}"),
          "events[0].action.actor");
      assertInvalidEvent(actionWith("{\"reason\": \"r\", \"actor\": [\"user\", \"a\"], \"patch\": {}}"),
          "events[0].action.aggregate");
      assertInvalidEvent(actionWith("{\"reason\": \"r\", \"actor\": [\"user\", \"a\"], \"aggregate\": [\"b\", 1]}"),
          "events[0].action.patch");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\" \\t \"", "1", "null", "[]"})
    void rejectsBadReasons(String reason) {
      assertInvalidEvent(actionWith("{\"reason\": " + reason + ", " + REST + "}"), "events[0].action.reason");
    }

    @Test
    void limitsReasonLength() {
      String max = "r".repeat(256);
      assertThat(parseOne(actionWith("{\"reason\": \"" + max + "\", " + REST + "}")).action().reason())
          .isEqualTo(max);
      assertInvalidEvent(actionWith("{\"reason\": \"" + max + "r\", " + REST + "}"), "events[0].action.reason");
    }

    @Test
    void validatesTheActor() {
      assertInvalidEvent(actionWith("{\"reason\": \"r\", \"actor\": \"alice\", \"aggregate\": [\"b\", 1], \"patch\": {}}"),
          "events[0].action.actor");
      assertInvalidEvent(actionWith("{\"reason\": \"r\", \"actor\": [\"User\", 1], \"aggregate\": [\"b\", 1], \"patch\": {}}"),
          "events[0].action.actor");
      assertThat(parseOne(actionWith("{\"reason\": \"r\", \"actor\": [\"user\", 42], \"aggregate\": [\"b\", 1], \"patch\": {}}"))
          .action().actor()).isEqualTo(new Actor("user", "42"));
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Patches {

    private String withPatch(String patch) {
      return actionWith("{\"reason\": \"r\", \"actor\": [\"user\", \"a\"], \"aggregate\": [\"book\", \"b\"],"
          + " \"patch\": " + patch + "}");
    }

    @Test
    void parsesAssocAndDissoc() {
      Patch patch = parseOne(withPatch("{\"assoc\": {\"a\": 1, \"n\": null, \"o\": {\"x\": [1]}}, \"dissoc\": [\"b\", \"c\"]}"))
          .action().patch();
      assertThat(patch.assoc()).isEqualTo(new JsonObject("{\"a\": 1, \"n\": null, \"o\": {\"x\": [1]}}"));
      assertThat(patch.dissoc()).containsExactly("b", "c");
    }

    @Test
    void defaultsBothParts() {
      assertThat(parseOne(withPatch("{\"dissoc\": [\"b\"]}")).action().patch())
          .isEqualTo(new Patch(new JsonObject(), List.of("b")));
      assertThat(parseOne(withPatch("{\"assoc\": {\"a\": 1}}")).action().patch())
          .isEqualTo(new Patch(new JsonObject().put("a", 1), List.of()));
    }

    @Test
    void detachesAssocFromTheBody() {
      JsonObject body = new JsonObject(body(withPatch("{\"assoc\": {\"a\": 1}}")));
      Patch patch = PARSER.parse(body).events().get(0).action().patch();
      body.getJsonArray("events").getJsonObject(0).getJsonObject("action").getJsonObject("patch")
          .getJsonObject("assoc").put("a", 2);
      assertThat(patch.assoc().getValue("a")).isEqualTo(1);
    }

    @Test
    void rejectsBadShapes() {
      assertInvalidEvent(withPatch("[]"), "events[0].action.patch");
      assertInvalidEvent(withPatch("{\"assoc\": {}, \"set\": {}}"), "events[0].action.patch.set");
      assertInvalidEvent(withPatch("{\"assoc\": []}"), "events[0].action.patch.assoc");
      assertInvalidEvent(withPatch("{\"assoc\": \"a\"}"), "events[0].action.patch.assoc");
      assertInvalidEvent(withPatch("{\"dissoc\": \"a\"}"), "events[0].action.patch.dissoc");
      assertInvalidEvent(withPatch("{\"dissoc\": {}}"), "events[0].action.patch.dissoc");
    }

    @Test
    void rejectsBadDissocKeys() {
      assertInvalidEvent(withPatch("{\"dissoc\": [\"\"]}"), "events[0].action.patch.dissoc[0]");
      assertInvalidEvent(withPatch("{\"dissoc\": [\"a\", 5]}"), "events[0].action.patch.dissoc[1]");
      assertInvalidEvent(withPatch("{\"dissoc\": [\"a\", null]}"), "events[0].action.patch.dissoc[1]");
    }

    @Test
    void rejectsAKeyBothAssocedAndDissoced() {
      assertInvalidEvent(withPatch("{\"assoc\": {\"a\": 1, \"b\": 2}, \"dissoc\": [\"c\", \"b\"]}"),
          "events[0].action.patch.dissoc[1]");
      // Also when the assoc'ed value is null.
      assertInvalidEvent(withPatch("{\"assoc\": {\"a\": null}, \"dissoc\": [\"a\"]}"),
          "events[0].action.patch.dissoc[0]");
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class TypeIdForms {

    private static final String FIELD = "events[0].action.aggregate";

    private Aggregate parsedAggregate(String form) {
      return parseOne(aggregateForm(form)).action().aggregate();
    }

    @Test
    void acceptsStringAndIntegerIds() {
      assertThat(parsedAggregate("[\"book\", \"Neuromancer\"]")).isEqualTo(new Aggregate("book", "Neuromancer"));
      assertThat(parsedAggregate("[\"book\", 1]")).isEqualTo(new Aggregate("book", "1"));
      assertThat(parsedAggregate("[\"book\", \"1\"]")).isEqualTo(parsedAggregate("[\"book\", 1]"));
      assertThat(parsedAggregate("[\"book\", 1.0]")).isEqualTo(new Aggregate("book", "1"));
      assertThat(parsedAggregate("[\"book\", 1e3]")).isEqualTo(new Aggregate("book", "1000"));
      assertThat(parsedAggregate("[\"book\", -3]")).isEqualTo(new Aggregate("book", "-3"));
      assertThat(parsedAggregate("[\"book\", 0]")).isEqualTo(new Aggregate("book", "0"));
      assertThat(parsedAggregate("[\"book\", 9223372036854775807]"))
          .isEqualTo(new Aggregate("book", "9223372036854775807"));
      assertThat(parsedAggregate("[\"book\", -9223372036854775808]"))
          .isEqualTo(new Aggregate("book", "-9223372036854775808"));
      assertThat(parsedAggregate("[\"book\", \" \"]")).isEqualTo(new Aggregate("book", " "));
      assertThat(parsedAggregate("[\"book\", \"" + "i".repeat(256) + "\"]").id()).hasSize(256);
    }

    @Test
    void acceptsTypesOfTheForm() {
      assertThat(parsedAggregate("[\"a\", 1]").type()).isEqualTo("a");
      assertThat(parsedAggregate("[\"a0_b-c\", 1]").type()).isEqualTo("a0_b-c");
      String max = "t".repeat(63);
      assertThat(parsedAggregate("[\"" + max + "\", 1]").type()).isEqualTo(max);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"book\"", "{}", "[]", "[\"book\"]", "[\"book\", \"a\", \"b\"]", "null",
        // bad types
        "[1, \"a\"]", "[null, \"a\"]", "[\"\", \"a\"]", "[\"Book\", \"a\"]", "[\"1book\", \"a\"]",
        "[\"_book\", \"a\"]", "[\"bo ok\", \"a\"]", "[\"bo.ok\", \"a\"]", "[[\"book\"], \"a\"]",
        "[\"tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt\", \"a\"]",
        // bad ids
        "[\"book\", \"\"]", "[\"book\", true]", "[\"book\", 1.5]", "[\"book\", null]", "[\"book\", [\"a\"]]",
        "[\"book\", [1]]", "[\"book\", {}]", "[\"book\", 1e19]", "[\"book\", 9223372036854775808]",
        "[\"book\", -9223372036854775809]"})
    void rejectsBadForms(String form) {
      assertInvalidEvent(aggregateForm(form), FIELD);
    }

    @Test
    void rejectsTooLongIds() {
      assertInvalidEvent(aggregateForm("[\"book\", \"" + "i".repeat(257) + "\"]"), FIELD);
    }

    @Test
    void explainsWhatWasExpected() {
      assertThatThrownBy(() -> parse(body(aggregateForm("[\"Book\", 1]"))))
          .hasMessageContaining("expected [type, id] with type matching [a-z][a-z0-9_-]{0,62}");
      assertThatThrownBy(() -> parse(body(aggregateForm("[\"book\", true]"))))
          .hasMessageContaining("id a string of 1 to 256 characters or an integer");
    }

    @Test
    void staticAggregateValidatesPathParameters() {
      assertThat(BatchParser.aggregate("type", "book", "Neuromancer")).isEqualTo(new Aggregate("book", "Neuromancer"));
      assertThat(BatchParser.aggregate("id", "book", 5)).isEqualTo(BatchParser.aggregate("id", "book", "5"));
      assertThat(BatchParser.aggregate("id", "book", 5L)).isEqualTo(new Aggregate("book", "5"));
      assertThat(BatchParser.aggregate("id", "book", new BigDecimal("42.000"))).isEqualTo(new Aggregate("book", "42"));
      assertThat(BatchParser.aggregate("id", "book", BigInteger.valueOf(42))).isEqualTo(new Aggregate("book", "42"));
      assertThat(BatchParser.aggregate("id", "book", 42.0d)).isEqualTo(new Aggregate("book", "42"));

      assertStaticInvalid("type", "Book", "x");
      assertStaticInvalid("type", null, "x");
      assertStaticInvalid("id", "book", "");
      assertStaticInvalid("id", "book", null);
      assertStaticInvalid("id", "book", new BigDecimal("4.2"));
      assertStaticInvalid("id", "book", BigInteger.ONE.shiftLeft(63));
      assertStaticInvalid("id", "book", Double.NaN);
      assertStaticInvalid("id", "book", Double.POSITIVE_INFINITY);
      assertStaticInvalid("id", "book", Boolean.TRUE);
    }

    private void assertStaticInvalid(String field, Object type, Object id) {
      assertThatThrownBy(() -> BatchParser.aggregate(field, type, id))
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo(field));
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Triggers {

    @Test
    void parsesAndCollapsesDuplicates() {
      Event event = parseOne(action(
          "\"triggers\": [[\"encryption-key\", 1], [\"order\", \"o-1\"], [\"encryption-key\", \"1\"], [\"order\", \"o-1\"]]"));
      assertThat(event.triggers())
          .containsExactly(new Trigger("encryption-key", "1"), new Trigger("order", "o-1"));
    }

    @Test
    void acceptsAnEmptyArray() {
      assertThat(parseOne(action("\"triggers\": []")).triggers()).isEmpty();
    }

    @Test
    void rejectsBadTriggers() {
      assertInvalidEvent(action("\"triggers\": [\"order\", 1]"), "events[0].triggers[0]");
      assertInvalidEvent(action("\"triggers\": {}"), "events[0].triggers");
      assertInvalidEvent(action("\"triggers\": [[\"order\", 1], [\"Order\", 1]]"), "events[0].triggers[1]");
      assertInvalidEvent(action("\"triggers\": [[\"order\", 1], [\"order\", 1.5]]"), "events[0].triggers[1]");
      assertInvalidEvent(action("\"triggers\": [[\"order\", 1], null]"), "events[0].triggers[1]");
    }

    @Test
    void onlyActionsCarryTriggers() {
      assertInvalidEvent(effect("\"triggers\": [[\"order\", 1]]"), "events[0].triggers");
      assertThatThrownBy(() -> parse(body(effect("\"triggers\": [[\"order\", 1]]"))))
          .hasMessageContaining("only actions carry triggers");
      assertInvalidEvent(effect("\"triggers\": \"x\""), "events[0].triggers");
      assertThat(parseOne(effect("\"triggers\": []")).triggers()).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Seal {

    private static final String KEY = "\"triggers\": [[\"encryption-key\", 1]]";

    @Test
    void parsesAndCollapsesDuplicates() {
      Event event = parseOne(action(KEY + ", \"seal\": [\"author\", \"title\", \"author\"]"));
      assertThat(event.seal()).containsExactly("author", "title");
    }

    @Test
    void acceptsAnEmptySealWithoutKey() {
      assertThat(parseOne(action("\"seal\": []")).seal()).isEmpty();
    }

    @Test
    void countsACollapsedDuplicateKeyTriggerOnce() {
      Event event = parseOne(action(
          "\"triggers\": [[\"encryption-key\", 1], [\"encryption-key\", \"1\"]], \"seal\": [\"title\"]"));
      assertThat(event.seal()).containsExactly("title");
    }

    @Test
    void sealedKeysMustBeAssoced() {
      assertInvalidEvent(action(KEY + ", \"seal\": [\"title\", \"isbn\"]"), "events[0].seal[1]");
      assertInvalidEvent(action(KEY + ", \"seal\": [1]"), "events[0].seal[0]");
      assertInvalidEvent(action(KEY + ", \"seal\": [null]"), "events[0].seal[0]");
      assertInvalidEvent(action(KEY + ", \"seal\": \"title\""), "events[0].seal");
    }

    @Test
    void needsExactlyOneEncryptionKeyTrigger() {
      assertInvalidEvent(action("\"seal\": [\"title\"]"), "events[0].seal");
      assertInvalidEvent(action("\"triggers\": [[\"order\", 1]], \"seal\": [\"title\"]"), "events[0].seal");
      assertInvalidEvent(
          action("\"triggers\": [[\"encryption-key\", 1], [\"encryption-key\", 2]], \"seal\": [\"title\"]"),
          "events[0].seal");
      assertThat(parseOne(action("\"triggers\": [[\"order\", 1], [\"encryption-key\", 2]], \"seal\": [\"title\"]"))
          .seal()).containsExactly("title");
    }

    @Test
    void onlyActionsCarrySeal() {
      assertInvalidEvent(effect("\"seal\": [\"title\"]"), "events[0].seal");
      assertInvalidEvent(effect("\"seal\": 1"), "events[0].seal");
      assertThat(parseOne(effect("\"seal\": []")).seal()).isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Effects {

    @Test
    void parsesAnEffect() {
      Event event = parseOne("{\"effect\": {\"reason\": \"shipped\", \"trigger\": [\"order\", \"o-1\"]}}");
      assertThat(event.effect()).isEqualTo(new Effect("shipped", new Trigger("order", "o-1")));
      assertThat(event.action()).isNull();
      assertThat(event.triggers()).isEmpty();
      assertThat(event.seal()).isEmpty();
    }

    @Test
    void rejectsBadEffects() {
      assertInvalidEvent("{\"effect\": []}", "events[0].effect");
      assertInvalidEvent("{\"effect\": {\"reason\": \"r\", \"trigger\": [\"k\", 1], \"x\": 1}}", "events[0].effect.x");
      assertInvalidEvent("{\"effect\": {\"trigger\": [\"k\", 1]}}", "events[0].effect.reason");
      assertInvalidEvent("{\"effect\": {\"reason\": \"r\"}}", "events[0].effect.trigger");
      assertInvalidEvent("{\"effect\": {\"reason\": \" \", \"trigger\": [\"k\", 1]}}", "events[0].effect.reason");
      assertInvalidEvent("{\"effect\": {\"reason\": \"" + "r".repeat(257) + "\", \"trigger\": [\"k\", 1]}}",
          "events[0].effect.reason");
      assertInvalidEvent("{\"effect\": {\"reason\": \"r\", \"trigger\": [\"k\", false]}}", "events[0].effect.trigger");
      assertInvalidEvent("{\"effect\": {\"reason\": \"r\", \"trigger\": [\"k\"]}}", "events[0].effect.trigger");
    }
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Names {

    @ParameterizedTest
    @ValueSource(strings = {"shop-1", "A", "a.b_c-D9", "..", "0123456789"})
    void acceptsWorkspaces(String ws) {
      assertThat(BatchParser.workspace("ws", ws)).isEqualTo(ws);
    }

    @Test
    void acceptsLongestWorkspace() {
      assertThat(BatchParser.workspace("ws", "w".repeat(128))).hasSize(128);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "shop 1", "shop/1", "shöp", "a:b", "a%20"})
    void rejectsWorkspaces(String ws) {
      assertNameInvalid(() -> BatchParser.workspace("ws", ws), "ws");
    }

    @Test
    void rejectsNullAndTooLongWorkspace() {
      assertNameInvalid(() -> BatchParser.workspace("ws", null), "ws");
      assertNameInvalid(() -> BatchParser.workspace("ws", "w".repeat(129)), "ws");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bookstore", "a", "a-1", "b0-0"})
    void acceptsApps(String app) {
      assertThat(BatchParser.app("app", app)).isEqualTo(app);
    }

    @Test
    void acceptsLongestApp() {
      assertThat(BatchParser.app("app", "a".repeat(63))).hasSize(63);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bookstore", "1app", "-app", "book_store", "book.store", "book store"})
    void rejectsApps(String app) {
      assertNameInvalid(() -> BatchParser.app("app", app), "app");
    }

    @Test
    void rejectsNullAndTooLongApp() {
      assertNameInvalid(() -> BatchParser.app("app", null), "app");
      assertNameInvalid(() -> BatchParser.app("app", "a".repeat(64)), "app");
    }

    private void assertNameInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
      assertThatThrownBy(call)
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo(field));
    }
  }

  @Nested
  class HostileInput {

    private static String withAssoc(String assoc) {
      return actionWith("{\"reason\": \"r\", \"actor\": [\"user\", \"u\"], \"aggregate\": [\"book\", \"b1\"],"
          + " \"patch\": {\"assoc\": " + assoc + "}}");
    }

    @Test
    void aNulInAnyStringIsRefusedNamingItsPath() {
      assertInvalidEvent(actionWith("{\"reason\": \"a\\u0000b\", \"actor\": [\"user\", \"u\"],"
          + " \"aggregate\": [\"book\", \"b1\"], \"patch\": {}}"), "events[0].action.reason");
      assertInvalidEvent(actionWith("{\"reason\": \"r\", \"actor\": [\"user\", \"u\\u0000\"],"
          + " \"aggregate\": [\"book\", \"b1\"], \"patch\": {}}"), "events[0].action.actor[1]");
      assertInvalidEvent(withAssoc("{\"title\": {\"deep\": [1, \"x\\u0000\"]}}"),
          "events[0].action.patch.assoc.title.deep[1]");
      assertInvalidEvent(action("\"source\": \"s\\u0000\""), "events[0].source");
      assertInvalidEvent(action("\"id\": \"\\u0000\""), "events[0].id");
      assertInvalidEvent(effect("\"id\": \"e\", \"source\": \"k\\u0000\""), "events[0].source");
    }

    @Test
    void anUnpairedSurrogateIsRefusedButAPairIsText() {
      assertInvalidEvent(withAssoc("{\"title\": \"\\ud800\"}"), "events[0].action.patch.assoc.title");
      assertInvalidEvent(withAssoc("{\"title\": \"x\\udc00y\"}"), "events[0].action.patch.assoc.title");
      assertInvalidEvent(action("\"timestamp\": \"2026-01-01T00:00:00Z\\ud83d\""), "events[0].timestamp");
      Event ok = parseOne(withAssoc("{\"title\": \"\\ud83d\\ude00\"}"));
      assertThat(ok.action().patch().assoc().getString("title")).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void aBadKeyIsRefusedNamingItsObject() {
      assertInvalidEvent(withAssoc("{\"ti\\u0000tle\": \"T\"}"), "events[0].action.patch.assoc");
      assertInvalidEvent(withAssoc("{\"t\": {\"\\udfff\": 1}}"), "events[0].action.patch.assoc.t");
    }

    @Test
    void dissocAndSealEntriesAreText() {
      assertInvalidEvent(actionWith("{\"reason\": \"r\", \"actor\": [\"user\", \"u\"], \"aggregate\": [\"book\", \"b1\"],"
          + " \"patch\": {\"dissoc\": [\"a\\u0000\"]}}"), "events[0].action.patch.dissoc[0]");
      assertInvalidEvent(action("\"seal\": [\"\\ud800\"]"), "events[0].seal[0]");
    }

    @Test
    void aNumberBeyondDoubleRangeIsRefusedNamingItsPath() {
      Object decoded = new JsonObject("{\"n\": 1e400}").getValue("n");
      assertThat(decoded).isInstanceOf(Number.class);
      assertInvalidEvent(withAssoc("{\"n\": 1e400}"), "events[0].action.patch.assoc.n");
      assertInvalidEvent(withAssoc("{\"n\": [0, {\"m\": -1e400}]}"), "events[0].action.patch.assoc.n[1].m");
      assertThat(parseOne(withAssoc("{\"n\": 1.5e300}")).action().patch().assoc().getValue("n")).isEqualTo(1.5e300);
    }

    @Test
    void aValueShapedLikeASealedValueIsAClientValue() {
      String forged = "{\"x\": {\"$sealed\": {\"trigger\": [\"encryption-key\", \"1\"], \"data\": \"AA\"}},"
          + " \"y\": {\"a\": [{\"$sealed\": {}}]}, \"sealed\": {\"trigger\": [\"encryption-key\", \"1\"], \"data\": \"AA\"}}";
      Patch patch = parseOne(withAssoc(forged)).action().patch();
      assertThat(patch.assoc()).isEqualTo(new JsonObject(forged));
      assertThat(patch.sealed()).isEmpty();
    }

    @Test
    void aPatchCannotCarrySealedValuesOfItsOwn() {
      assertInvalidEvent(actionWith("{\"reason\": \"r\", \"actor\": [\"user\", \"u\"], \"aggregate\": [\"book\", \"b1\"],"
          + " \"patch\": {\"assoc\": {}, \"sealed\": {\"x\": {\"trigger\": [\"encryption-key\", \"1\"], \"data\": \"AA\"}}}}"),
          "events[0].action.patch.sealed");
    }
  }
}
