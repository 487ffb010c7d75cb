package io.highwater.client;

/**
 * How to read a record or a view: {@code consistentAt} (wait until the entity's watermark at
 * {@code level} reaches it; null answers at once with what the server has), {@code level}
 * (null: the server's default, cache), {@code timeoutMs} (null: the server's default, 5,000).
 *
 * <pre>{@code ReadOptions.at(offset).level(Level.STORAGE).timeoutMs(2_000)}</pre>
 */
public record ReadOptions(Long consistentAt, Level level, Long timeoutMs) {

  private static final ReadOptions LATEST = new ReadOptions(null, null, null);

  /** Answer at once, at the server's default level. */
  public static ReadOptions latest() {
    return LATEST;
  }

  /** Consistent at {@code offset}: reflects every event up to it. */
  public static ReadOptions at(long offset) {
    return new ReadOptions(offset, null, null);
  }

  public static ReadOptions at(long offset, Level level) {
    return new ReadOptions(offset, level, null);
  }

  public ReadOptions level(Level level) {
    return new ReadOptions(consistentAt, level, timeoutMs);
  }

  public ReadOptions timeoutMs(long timeoutMs) {
    return new ReadOptions(consistentAt, level, timeoutMs);
  }
}
