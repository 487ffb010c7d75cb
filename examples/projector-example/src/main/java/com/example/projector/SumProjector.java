package com.example.projector;

import io.highwater.projector.Intents;
import io.highwater.projector.ProjectedEvent;
import io.highwater.projector.Projector;
import io.highwater.projector.ProjectorFactory;
import io.highwater.projector.ViewReader;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Sums a numeric field of the aggregates of one type, grouped by another field: options {@code
 * {"type": "book", "group": "author", "field": "pages"}} keep, per author, {@code {"sum": pages of
 * all their books, "count": books counted}}. A book without a number in {@code field} or without
 * a {@code group} value is not counted; changing either moves its contribution.
 *
 * <p>Everything here follows from the event's states before and after it: the aggregate's old
 * contribution is taken out, its new one put in. That also makes replays right (the runtime hands a
 * replayed aggregate over with its old and its recomputed state) and keeps the projector
 * deterministic, as the runtime requires.
 */
public final class SumProjector implements Projector {

  /** Makes {@code sum} projectors; named in {@code META-INF/services/io.highwater.projector.ProjectorFactory}. */
  public static final class Factory implements ProjectorFactory {
    @Override
    public String kind() {
      return "sum";
    }

    @Override
    public Projector create(String view, JsonObject options) {
      String type = options.getString("type");
      String group = options.getString("group");
      String field = options.getString("field");
      if (type == null || group == null || field == null) {
        throw new IllegalArgumentException("view " + view + ": options need \"type\", \"group\" and \"field\", got " + options.encode());
      }
      return new SumProjector(type, group, field);
    }
  }

  /** What one aggregate adds to one key. */
  private record Contribution(String key, BigDecimal amount) {}

  private final String type;
  private final String group;
  private final String field;

  SumProjector(String type, String group, String field) {
    this.type = type;
    this.group = group;
    this.field = field;
  }

  @Override
  public Set<String> reads(ProjectedEvent event) {
    Set<String> keys = new LinkedHashSet<>();
    if (concerns(event)) {
      Contribution before = contribution(event.before());
      Contribution after = contribution(event.after());
      if (!Objects.equals(before, after)) {
        if (before != null) {
          keys.add(before.key());
        }
        if (after != null) {
          keys.add(after.key());
        }
      }
    }
    return keys;
  }

  @Override
  public void project(ProjectedEvent event, ViewReader view, Intents intents) {
    if (!concerns(event)) {
      return;
    }
    Contribution before = contribution(event.before());
    Contribution after = contribution(event.after());
    if (Objects.equals(before, after)) {
      return;
    }
    if (before != null && after != null && before.key().equals(after.key())) {
      intents.put(after.key(), add(view, after.key(), after.amount().subtract(before.amount()), 0));
      return;
    }
    if (before != null) {
      intents.put(before.key(), add(view, before.key(), before.amount().negate(), -1));
    }
    if (after != null) {
      intents.put(after.key(), add(view, after.key(), after.amount(), 1));
    }
  }

  private boolean concerns(ProjectedEvent event) {
    return event.isAction() && event.aggregate().aggregate().type().equals(type);
  }

  private Contribution contribution(JsonObject state) {
    if (state == null || !(state.getValue(field) instanceof Number amount) || state.getValue(group) == null) {
      return null;
    }
    return new Contribution(state.getValue(group).toString(), new BigDecimal(amount.toString()));
  }

  private static JsonObject add(ViewReader view, String key, BigDecimal amount, long count) {
    JsonObject current = view.get(key).orElse(new JsonObject().put("sum", 0).put("count", 0));
    BigDecimal sum = new BigDecimal(current.getValue("sum").toString()).add(amount);
    return new JsonObject().put("sum", plain(sum)).put("count", current.getLong("count") + count);
  }

  /** A whole sum as an integer, so that {@code 350 + 250} reads {@code 600}, not {@code 600.0}. */
  private static Number plain(BigDecimal sum) {
    BigDecimal stripped = sum.stripTrailingZeros();
    if (stripped.scale() <= 0 && stripped.toBigInteger().bitLength() < 64) {
      return stripped.longValueExact();
    }
    return sum.doubleValue();
  }
}
