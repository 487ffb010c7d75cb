package io.highwater.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Updates of long-lived aggregates: a pool of books, each created with a history of so many events first,
 * then updated (a new price and genre) one append at a time. A book is leased to one append at a time and
 * based at the offset of its own last stored event, as a client that has read it would send, so no append
 * conflicts; should one conflict all the same, the book is rebased on the stored events the 409 names, as
 * a client would, and the append counts as an error.
 */
final class LongLivedAggregates implements AppendSource {

  private static final int PRICES = 100;

  private final List<Book> books = new ArrayList<>();
  private final Queue<Book> uncreated = new ConcurrentLinkedQueue<>();
  private final Queue<Book> idle = new ConcurrentLinkedQueue<>();

  /** One book of the pool; its fields change only while it is leased to one append. */
  private static final class Book {
    final String ws;
    final String id;
    final String author;
    volatile long base;
    volatile long events;

    Book(String ws, String id, String author) {
      this.ws = ws;
      this.id = id;
      this.author = author;
    }
  }

  /** count books over the workload's workspaces, by its authors. */
  LongLivedAggregates(Workload workload, int count) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < count; i++) {
      Book book = new Book(workload.workspace(i % workload.workspaces()), "long-" + i, workload.author(random));
      books.add(book);
      uncreated.add(book);
    }
  }

  int size() {
    return books.size();
  }

  /** Events per book on average, creation included. */
  double meanEvents() {
    return books.stream().mapToLong(b -> b.events).average().orElse(0);
  }

  /** The books' creations: each book's create and then its updates up to the requested events, in one append. */
  AppendSource creations() {
    return events -> {
      Book book = uncreated.remove();
      StringBuilder body = new StringBuilder(200 * events).append("{\"baseOffset\":0,\"events\":[{\"action\":")
          .append(Workload.create(book.id, book.author, Workload.genre(ThreadLocalRandom.current()))).append('}');
      for (int i = 1; i < events; i++) {
        body.append(',').append(update(book));
      }
      return new Lease(book, events, body.append("]}").toString(), uncreated);
    };
  }

  /** Updates of created books; needs as many books as appends in flight. */
  @Override
  public Append next(int events) {
    Book book = idle.poll();
    if (book == null) {
      throw new IllegalStateException("every long-lived aggregate has an append in flight: the pool needs more books than clients");
    }
    StringBuilder body = new StringBuilder(200 * events).append("{\"baseOffset\":").append(book.base).append(",\"events\":[");
    for (int i = 0; i < events; i++) {
      body.append(i > 0 ? "," : "").append(update(book));
    }
    return new Lease(book, events, body.append("]}").toString(), idle);
  }

  private static String update(Book book) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "{\"action\":" + Workload.action("update", book.id,
        "\"price\":" + random.nextInt(1, PRICES) + ",\"genre\":\"" + Workload.genre(random) + "\"") + "}";
  }

  /** An append on one book; the book goes to the idle pool once stored, or back where it came from. */
  private final class Lease implements Append {
    private final Book book;
    private final int events;
    private final String body;
    private final Queue<Book> unstored;

    Lease(Book book, int events, String body, Queue<Book> unstored) {
      this.book = book;
      this.events = events;
      this.body = body;
      this.unstored = unstored;
    }

    @Override
    public String ws() {
      return book.ws;
    }

    @Override
    public String body() {
      return body;
    }

    @Override
    public void answered(HttpResponse<Buffer> response) {
      int status = response == null ? 0 : response.statusCode();
      if (status == 200) {
        JsonArray stored = response.bodyAsJsonObject().getJsonArray("events");
        book.base = stored.getJsonObject(stored.size() - 1).getLong("offset");
        book.events += events;
        idle.add(book);
        return;
      }
      if (status == 409) {
        JsonArray unresolved = response.bodyAsJsonObject().getJsonObject("conflict").getJsonArray("unresolved");
        book.base = Math.max(book.base, unresolved.getLong(unresolved.size() - 1));
      }
      unstored.add(book);
    }
  }
}
