package io.highwater.it;

import io.vertx.core.buffer.Buffer;

/**
 * One generated HTTP request and what the contract allows as its answer. {@code field}, when not
 * null, is how a refusal's message must begin (the offending field's path).
 */
record FuzzRequest(String kind, String method, String path, Buffer body, Expect expect, String field) {

  enum Expect {
    /** A valid append: 200, or 409 when a concurrent one got there first. */
    ACCEPTED,
    /** Invalid input: 400 or 413 in the error form, and nothing stored. */
    REFUSED,
    /** Anything but a 5xx; a 200 append is then part of the model. */
    ANY,
    /** A client value shaped like the server's sealed envelope: 200 (and read back exactly) or 400 naming the field. */
    SEALED_SHAPED,
    /** A resend of an acknowledged batch whose events all carry ids: 200 with the stored events. */
    REPEAT
  }

  static FuzzRequest append(String kind, String ws, Buffer body, Expect expect, String field) {
    return new FuzzRequest(kind, "POST", appendPath(ws), body, expect, field);
  }

  static FuzzRequest get(String kind, String path) {
    return new FuzzRequest(kind, "GET", path, null, Expect.ANY, null);
  }

  static String appendPath(String ws) {
    return "/v1/apps/bookstore/ws/" + ws + "/events";
  }

  boolean isAppend() {
    return "POST".equals(method);
  }
}
