package io.highwater.http;

/** A client message that breaks the protocol; answered with an error frame, the connection stays open. */
final class WebSocketRequestException extends RuntimeException {

  private final String id;

  WebSocketRequestException(String id, String message) {
    super(message, null, false, false);
    this.id = id;
  }

  /** The message's id when it had a usable one, else null. */
  String id() {
    return id;
  }
}
