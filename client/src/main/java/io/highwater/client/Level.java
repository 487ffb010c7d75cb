package io.highwater.client;

/** A consistency level of the contract: {@code cache} (the default) or {@code storage}, which implies cache. */
public enum Level {
  CACHE("cache"),
  STORAGE("storage");

  private final String wire;

  Level(String wire) {
    this.wire = wire;
  }

  /** The name on the wire: {@code cache} or {@code storage}. */
  public String wire() {
    return wire;
  }

  /** The level named on the wire; {@code null} gives the default, {@code cache}. */
  public static Level fromWire(String name) {
    if (name == null) {
      return CACHE;
    }
    for (Level level : values()) {
      if (level.wire.equals(name)) {
        return level;
      }
    }
    throw new IllegalArgumentException("unknown level '" + name + "', expected cache or storage");
  }

  @Override
  public String toString() {
    return wire;
  }
}
