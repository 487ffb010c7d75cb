package io.highwater.event;

/** A request over the contract's size limits (413 {@code payload_too_large}). */
public final class PayloadTooLargeException extends RuntimeException {

  public PayloadTooLargeException(String message) {
    // No stack trace: this is an answer to the client, not a fault in the server.
    super(message, null, false, false);
  }
}
