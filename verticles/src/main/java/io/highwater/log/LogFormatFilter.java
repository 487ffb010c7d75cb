package io.highwater.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Locale;

/**
 * Lets an appender write only when its {@code format} is the one {@code chosen}
 * ({@code HIGHWATER_LOG_FORMAT} in {@code logback.xml}): {@code json}, or {@code text} for anything
 * else. Both appenders stay referenced, so logback has nothing to warn about, and no expression
 * engine is needed to pick one.
 */
public final class LogFormatFilter extends Filter<ILoggingEvent> {

  private String format = "text";
  private String chosen = "text";
  private boolean writes;

  public void setFormat(String format) {
    this.format = format.trim().toLowerCase(Locale.ROOT);
  }

  public void setChosen(String chosen) {
    this.chosen = chosen.trim().toLowerCase(Locale.ROOT);
  }

  @Override
  public void start() {
    String effective = "json".equals(chosen) ? "json" : "text";
    writes = format.equals(effective);
    super.start();
  }

  @Override
  public FilterReply decide(ILoggingEvent event) {
    return writes ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
