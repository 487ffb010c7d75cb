package io.highwater.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts {@code app}, {@code partition}, {@code epoch} and {@code offset} in the MDC of every line
 * logged on the context of a partition's verticle, and takes them out of every other line. Vert.x
 * runs many verticles on one event-loop thread and carries no MDC from one callback to the next, so
 * the MDC is set from the context that logs, as each line is logged: its deployment's configuration
 * names the partition ({@link PartitionLog}), which the verticles' continuations share, duplicated
 * contexts included. Declared in {@code logback.xml}.
 */
public final class PartitionMdc extends TurboFilter {

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // Asked of disabled levels too (isDebugEnabled): nothing to do for a line that is not written.
    if (level == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    Context context = Vertx.currentContext();
    JsonObject config = context == null ? null : context.config();
    Object app = config == null ? null : config.getValue(PartitionLog.APP);
    if (app == null) {
      if (MDC.get("app") != null) {
        clear();
      }
      return FilterReply.NEUTRAL;
    }
    MDC.put("app", app.toString());
    MDC.put("partition", String.valueOf(config.getValue(PartitionLog.PARTITION)));
    MDC.put("epoch", String.valueOf(config.getValue(PartitionLog.EPOCH)));
    Object offset = config.getValue(PartitionLog.OFFSET);
    if (offset == null) {
      MDC.remove("offset");
    } else {
      MDC.put("offset", offset.toString());
    }
    return FilterReply.NEUTRAL;
  }

  private static void clear() {
    MDC.remove("app");
    MDC.remove("partition");
    MDC.remove("epoch");
    MDC.remove("offset");
  }
}
