package io.highwater.client;

/**
 * The notification WebSocket closed while an {@code await} or {@code watch} was active on it (code
 * {@code connection_closed}, status 0): closed by the server (e.g. status 1008 "client too slow"),
 * by the network, or by {@link HighwaterClient#close()}. The next await or watch opens a new socket.
 */
public final class ConnectionClosedException extends HighwaterException {

  private final Short closeStatus;
  private final String closeReason;

  public ConnectionClosedException(Short closeStatus, String closeReason) {
    super(0, "connection_closed", "the WebSocket closed" + (closeStatus == null ? "" : " with status " + closeStatus)
        + (closeReason == null || closeReason.isEmpty() ? "" : ": " + closeReason), null);
    this.closeStatus = closeStatus;
    this.closeReason = closeReason;
  }

  /** The WebSocket close status, null when there was none (e.g. the connection dropped). */
  public Short closeStatus() {
    return closeStatus;
  }

  public String closeReason() {
    return closeReason;
  }
}
