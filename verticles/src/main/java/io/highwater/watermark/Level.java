package io.highwater.watermark;

import java.util.Locale;
import java.util.Optional;

/** Where a write is visible: the owner's in-memory cache, or PostgreSQL (which implies the cache). */
public enum Level {
  CACHE,
  STORAGE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Level> parse(String name) {
    return switch (name) {
      case "cache" -> Optional.of(CACHE);
      case "storage" -> Optional.of(STORAGE);
      default -> Optional.empty();
    };
  }
}
