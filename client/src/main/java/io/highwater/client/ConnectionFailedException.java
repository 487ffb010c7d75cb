package io.highwater.client;

/**
 * The server could not be reached or the connection broke before an answer (code
 * {@code connection_failed}, status 0): refused, reset, timed out, unknown host. The transport's own
 * exception is the cause.
 */
public final class ConnectionFailedException extends HighwaterException {

  public ConnectionFailedException(String target, Throwable cause) {
    super(0, "connection_failed", "cannot reach the server at " + target + ": "
        + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), null);
    initCause(cause);
  }

  /** Any failure that is not already the server's answer, as a {@link ConnectionFailedException}. */
  static Throwable of(String target, Throwable failure) {
    return failure instanceof HighwaterException ? failure : new ConnectionFailedException(target, failure);
  }
}
