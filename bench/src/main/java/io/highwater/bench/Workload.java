package io.highwater.bench;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bookstore events the benchmark writes: each creates a new book (so no append ever conflicts) in a
 * random workspace, by one of a few authors per workspace, so that each {@code books_by_author} value stays
 * small however long the run.
 */
final class Workload {

  static final String APP = "bookstore";
  static final String VIEW = "books_by_author";
  private static final int GENRES = 8;

  private final int workspaces;
  private final int authors;
  private final AtomicLong books = new AtomicLong();

  Workload(int workspaces, int authors) {
    this.workspaces = workspaces;
    this.authors = authors;
  }

  /** One append request: its workspace, its JSON body, and the author (view key) of its last event. */
  record Append(String ws, String body, String lastAuthor) {}

  Append next(int events) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String ws = "ws-" + random.nextInt(workspaces);
    StringBuilder body = new StringBuilder(160 * events).append("{\"baseOffset\":0,\"events\":[");
    String author = null;
    for (int i = 0; i < events; i++) {
      author = author(random);
      if (i > 0) {
        body.append(',');
      }
      body.append("{\"action\":").append(action("b" + books.incrementAndGet(), author, genre(random))).append('}');
    }
    return new Append(ws, body.append("]}").toString(), author);
  }

  /** The event row's body as the server stores it (the event as sent, with its defaults filled in). */
  String storedBody(long book) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "{\"timestamp\":\"" + Instant.now() + "\",\"source\":\"api\",\"action\":"
        + action("b" + book, author(random), genre(random)) + ",\"triggers\":[]}";
  }

  String randomWorkspace() {
    return "ws-" + ThreadLocalRandom.current().nextInt(workspaces);
  }

  private static String action(String book, String author, String genre) {
    return "{\"reason\":\"create\",\"actor\":[\"user\",\"bench\"],\"aggregate\":[\"book\",\"" + book
        + "\"],\"patch\":{\"assoc\":{\"author\":\"" + author + "\",\"genre\":\"" + genre + "\"},\"dissoc\":[]}}";
  }

  private String author(ThreadLocalRandom random) {
    return "author-" + random.nextInt(authors);
  }

  private static String genre(ThreadLocalRandom random) {
    return "genre-" + random.nextInt(GENRES);
  }
}
