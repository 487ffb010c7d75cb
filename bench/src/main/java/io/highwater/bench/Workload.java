package io.highwater.bench;

import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bookstore events the benchmark writes: each creates a new book (so no append ever conflicts) in a
 * random workspace of its own set, by one of a few authors per workspace. With many authors each
 * {@code books_by_author} value stays small however long the run; with one, every workspace has one hot key
 * that takes every book.
 */
final class Workload implements AppendSource {

  static final String APP = "bookstore";
  static final String VIEW = "books_by_author";
  static final int GENRES = 8;

  private final String workspacePrefix;
  private final String bookPrefix;
  private final int workspaces;
  private final int authors;
  private final AtomicLong books = new AtomicLong();

  /**
   * Workspaces named {@code <workspacePrefix>-<n>}, books {@code <bookPrefix>-b<n>}: the book prefix distinct per workload,
   * so that no two create the same book.
   */
  Workload(String workspacePrefix, String bookPrefix, int workspaces, int authors) {
    this.workspacePrefix = workspacePrefix + "-";
    this.bookPrefix = bookPrefix + "-b";
    this.workspaces = workspaces;
    this.authors = authors;
  }

  /** One append of new books. */
  record NewBooks(String ws, String body) implements Append {}

  @Override
  public Append next(int events) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder body = new StringBuilder(160 * events).append("{\"baseOffset\":0,\"events\":[");
    for (int i = 0; i < events; i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append("{\"action\":").append(create(book(books.incrementAndGet()), author(random), genre(random))).append('}');
    }
    return new NewBooks(randomWorkspace(), body.append("]}").toString());
  }

  /** The event row's body as the server stores it (the event as sent, with its defaults filled in). */
  String storedBody(long book) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return storedBody(book(book), author(random), genre(random));
  }

  /** The same with the given values, which may be SQL expressions spliced in by the caller. */
  static String storedBody(String book, String author, String genre) {
    return "{\"timestamp\":\"" + Instant.now() + "\",\"source\":\"api\",\"action\":" + create(book, author, genre) + ",\"triggers\":[]}";
  }

  String randomWorkspace() {
    return workspace(ThreadLocalRandom.current().nextInt(workspaces));
  }

  String workspace(int n) {
    return workspacePrefix() + n;
  }

  String workspacePrefix() {
    return workspacePrefix;
  }

  int workspaces() {
    return workspaces;
  }

  int authors() {
    return authors;
  }

  private String book(long n) {
    return bookPrefix + n;
  }

  static String create(String book, String author, String genre) {
    return action("create", book, "\"author\":\"" + author + "\",\"genre\":\"" + genre + "\"");
  }

  /** An action on a book whose patch sets the given assoc members (a JSON object's inside). */
  static String action(String reason, String book, String assoc) {
    return "{\"reason\":\"" + reason + "\",\"actor\":[\"user\",\"bench\"],\"aggregate\":[\"book\",\"" + book
        + "\"],\"patch\":{\"assoc\":{" + assoc + "},\"dissoc\":[]}}";
  }

  String author(ThreadLocalRandom random) {
    return "author-" + random.nextInt(authors);
  }

  static String genre(ThreadLocalRandom random) {
    return "genre-" + random.nextInt(GENRES);
  }
}
