package io.highwater.config;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test-only way to fail at a chosen step of the write path, deterministically: with
 * {@code HIGHWATER_FAULT=<point>@<entity>@<offset>} the process halts (no shutdown hooks, no
 * flush) the first time {@code entity} reaches {@code point} at or beyond {@code offset}; with a
 * fourth part, {@code @fail}, that step throws {@link InjectedFault} once instead and the process
 * goes on. Unset, it does nothing. Points: {@code group-committed} (the command processor's group
 * is durable, nothing of it applied; entity {@code records}), {@code cache-applied} (the cache
 * holds the events, no watermark reported yet), {@code flush-sent} (the flush statement is on its
 * way, its outcome unknown), {@code flush-committed} (the flush committed, the storage watermark
 * not yet reported), {@code log-read} (a view is about to read a page of the log from that offset).
 */
public final class FaultHook {

  public static final String VARIABLE = "HIGHWATER_FAULT";
  public static final FaultHook NONE = new FaultHook(null, null, Long.MAX_VALUE, true);

  /** The exit status of a halt, so a test tells it from any other death. */
  public static final int HALT_STATUS = 86;

  private static final Logger LOG = LoggerFactory.getLogger(FaultHook.class);

  private final String point;
  private final String entity;
  private final long offset;
  /** Throw once instead of halting; set back to false by the throw. */
  private final AtomicBoolean failOnce;
  private final boolean halts;

  private FaultHook(String point, String entity, long offset, boolean halts) {
    this.point = point;
    this.entity = entity;
    this.offset = offset;
    this.halts = halts;
    this.failOnce = new AtomicBoolean(!halts);
  }

  /** The failure {@code @fail} injects. */
  public static final class InjectedFault extends RuntimeException {
    InjectedFault(String message) {
      super(message);
    }
  }

  public static FaultHook fromEnvironment(Map<String, String> env) {
    String spec = env.get(VARIABLE);
    if (spec == null || spec.isBlank()) {
      return NONE;
    }
    String[] parts = spec.split("@");
    boolean halts = parts.length == 3;
    if (!halts && !(parts.length == 4 && parts[3].equals("fail"))) {
      throw new IllegalArgumentException(VARIABLE + ": expected <point>@<entity>@<offset>[@fail], got '" + spec + "'");
    }
    LOG.warn("Fault hook armed: {} at {} of {} from offset {}", halts ? "the process halts" : "one failure", parts[0], parts[1], parts[2]);
    return new FaultHook(parts[0], parts[1], Long.parseLong(parts[2]), halts);
  }

  public void reached(String point, String entity, long offset) {
    if (point.equals(this.point) && entity.equals(this.entity) && offset >= this.offset) {
      if (halts) {
        LOG.warn("Fault hook: halting at {} of {} at offset {}", point, entity, offset);
        Runtime.getRuntime().halt(HALT_STATUS);
      } else if (failOnce.compareAndSet(true, false)) {
        LOG.warn("Fault hook: failing {} of {} at offset {}", point, entity, offset);
        throw new InjectedFault("injected fault at " + point + " of " + entity + " at offset " + offset);
      }
    }
  }
}
