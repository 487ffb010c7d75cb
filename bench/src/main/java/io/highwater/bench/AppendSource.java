package io.highwater.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;

/** Where a phase's appends come from: new books, one hot key per workspace, or updates of long-lived aggregates. */
interface AppendSource {

  /** The next request of so many events. Called on a load event loop. */
  Append next(int events);

  /** One append request, and what its source learns from the answer. */
  interface Append {

    String ws();

    /** The JSON body of {@code POST /v1/apps/bookstore/ws/{ws}/events}. */
    String body();

    /** The server's answer (200: stored, with the offsets; 409: a conflict), or null when none came. */
    default void answered(HttpResponse<Buffer> response) {}
  }
}
