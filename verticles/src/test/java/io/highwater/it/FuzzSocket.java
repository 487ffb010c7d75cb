package io.highwater.it;

import io.highwater.it.FuzzFrames.Expect;
import io.highwater.it.FuzzFrames.Frame;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client socket of the fuzzer: sends messages without waiting, keeps every reply, and checks at
 * the end that each message got exactly the replies the contract promises, on a socket still open.
 */
final class FuzzSocket {

  private static final Set<String> FIELDS = Set.of("id", "op", "app", "ws", "entity", "offset", "timeoutMs", "level");

  private final WebSocket ws;
  private final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
  private final AtomicReference<String> closed = new AtomicReference<>();
  private final List<Frame> sent = new ArrayList<>();
  private final List<String> watches = new ArrayList<>();

  FuzzSocket(WebSocketClient client, int port) {
    this.ws = client.connect(port, "127.0.0.1", "/v1/ws").await();
    ws.textMessageHandler(received::add);
    ws.closeHandler(v -> closed.set("closed with " + ws.closeStatusCode() + " " + ws.closeReason()));
  }

  void send(Frame frame) {
    sent.add(frame);
    if (frame.expect() == Expect.WATCH) {
      watches.add(frame.echo());
    }
    if (frame.text() != null) {
      ws.writeTextMessage(frame.text());
    } else {
      ws.writeBinaryMessage(frame.binary());
    }
  }

  /** A watch of this socket that is still active, taken out of the list (its cancel is the caller's), or null. */
  String takeWatch(FuzzValues v) {
    return watches.isEmpty() ? null : watches.remove(v.random().nextInt(watches.size()));
  }

  int sentCount() {
    return sent.size();
  }

  /** Waits for the replies every message is owed, up to {@code seconds}; the problems found. */
  List<String> verify(long seconds) {
    Map<String, Integer> owed = new HashMap<>();
    for (Frame f : sent) {
      if (f.expect() != Expect.WATCH) {
        owed.merge(key(f.echo(), f.expect()), 1, Integer::sum);
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Map<String, Integer> got = tally();
    while (!got.keySet().containsAll(owed.keySet()) && System.nanoTime() < deadline) {
      sleep();
      got = tally();
    }
    sleep();
    got = tally();
    List<String> problems = new ArrayList<>();
    for (Frame f : sent) {
      if (f.expect() == Expect.WATCH) {
        continue;
      }
      String key = key(f.echo(), f.expect());
      if (owed.containsKey(key) && !Objects.equals(owed.get(key), got.get(key))) {
        problems.add(f.kind() + " " + shorten(f.text()) + ": expected " + owed.get(key) + " " + f.expect() + " replies for id "
            + f.echo() + ", got " + got.getOrDefault(key, 0) + " (all replies to it: " + repliesTo(f.echo()) + ")");
        owed.remove(key);
      }
    }
    for (String text : received) {
      JsonObject reply = new JsonObject(text);
      if ("error".equals(reply.getString("type")) && !namesField(reply.getString("message"))) {
        problems.add("an error reply that names no field: " + text);
      }
      if (!"bad_request".equals(reply.getString("code", "bad_request"))) {
        problems.add("an error reply with another code than bad_request: " + text);
      }
    }
    // Errors without an id cannot be told apart: those that must name the id are counted instead.
    long unnamedIds = sent.stream().filter(f -> f.echo() == null && "id".equals(f.field())).count();
    long namingId = received.stream().map(JsonObject::new)
        .filter(r -> r.getValue("id") == null && r.getString("message", "").startsWith("id:")).count();
    if (namingId != unnamedIds) {
      problems.add(unnamedIds + " messages with a bad id got " + namingId + " error replies without an id naming the id");
    }
    for (Frame f : sent) {
      if (f.field() != null && f.echo() != null && f.expect() == Expect.ERROR) {
        String message = errorMessage(f.echo());
        if (message != null && !message.startsWith(f.field() + ":")) {
          problems.add(f.kind() + " " + shorten(f.text()) + ": the error should name " + f.field() + ", says: " + message);
        }
      }
    }
    if (closed.get() != null) {
      problems.add("the server " + closed.get() + " after " + sent.size() + " messages");
    }
    return problems;
  }

  private static boolean namesField(String message) {
    return message != null && (message.startsWith("expected ") || message.startsWith("the message is larger")
        || FIELDS.stream().anyMatch(f -> message.startsWith(f + ":")));
  }

  private String errorMessage(String echo) {
    for (String text : received) {
      JsonObject reply = new JsonObject(text);
      if ("error".equals(reply.getString("type")) && Objects.equals(echo, reply.getString("id"))) {
        return reply.getString("message");
      }
    }
    return null;
  }

  private List<String> repliesTo(String echo) {
    return received.stream().filter(t -> Objects.equals(echo, new JsonObject(t).getString("id"))).map(FuzzSocket::shorten).limit(5).toList();
  }

  private Map<String, Integer> tally() {
    Map<String, Integer> counts = new HashMap<>();
    for (String text : received) {
      JsonObject reply = new JsonObject(text);
      Expect kind = switch (reply.getString("type", "")) {
        case "consistent", "timeout" -> Expect.ANSWER;
        case "cancelled" -> Expect.CANCELLED;
        case "error" -> Expect.ERROR;
        default -> Expect.WATCH;
      };
      if (kind != Expect.WATCH) {
        counts.merge(key(reply.getString("id"), kind), 1, Integer::sum);
      }
    }
    return counts;
  }

  private static String key(String id, Expect expect) {
    return expect + " " + id;
  }

  void close() {
    if (closed.get() == null) {
      ws.close().await();
    }
  }

  private static String shorten(String text) {
    return text == null ? "(binary)" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
