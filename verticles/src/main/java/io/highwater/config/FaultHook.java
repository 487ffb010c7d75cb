package io.highwater.config;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test-only way to crash at a chosen step of the two-phase write, deterministically: with
 * {@code HIGHWATER_FAULT=<point>@<entity>@<offset>} the process halts (no shutdown hooks, no
 * flush) the first time {@code entity} reaches {@code point} at or beyond {@code offset}. Unset, it
 * does nothing. Points: {@code cache-applied} (the cache holds the events, no watermark reported
 * yet), {@code flush-sent} (the flush statement is on its way, its outcome unknown),
 * {@code flush-committed} (the flush committed, the storage watermark not yet reported).
 */
public final class FaultHook {

  public static final String VARIABLE = "HIGHWATER_FAULT";
  public static final FaultHook NONE = new FaultHook(null, null, Long.MAX_VALUE);

  /** The exit status of a halt, so a test tells it from any other death. */
  public static final int HALT_STATUS = 86;

  private static final Logger LOG = LoggerFactory.getLogger(FaultHook.class);

  private final String point;
  private final String entity;
  private final long offset;

  private FaultHook(String point, String entity, long offset) {
    this.point = point;
    this.entity = entity;
    this.offset = offset;
  }

  public static FaultHook fromEnvironment(Map<String, String> env) {
    String spec = env.get(VARIABLE);
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    String[] parts = spec.split("@");
    if (parts.length != 3) {
      throw new IllegalArgumentException(VARIABLE + ": expected <point>@<entity>@<offset>, got '" + spec + "'");
    }
    LOG.warn("Fault hook armed: the process halts at {} of {} from offset {}", parts[0], parts[1], parts[2]);
    return new FaultHook(parts[0], parts[1], Long.parseLong(parts[2]));
  }

  public void reached(String point, String entity, long offset) {
    if (point.equals(this.point) && entity.equals(this.entity) && offset >= this.offset) {
      LOG.warn("Fault hook: halting at {} of {} at offset {}", point, entity, offset);
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
