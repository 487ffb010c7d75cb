package io.highwater.storage;

import io.highwater.event.Aggregate;
import io.highwater.event.AggregateKey;
import java.util.List;
import java.util.Set;

/**
 * The {@code type} and {@code aggregate} filters of a log read. An action passes when its aggregate
 * passes; an effect passes when it replays an aggregate that passes. No filter lets all through.
 */
public record StreamFilter(Set<String> types, Set<Aggregate> aggregates) {

  public static final StreamFilter NONE = new StreamFilter(Set.of(), Set.of());

  public StreamFilter {
    types = Set.copyOf(types);
    aggregates = Set.copyOf(aggregates);
  }

  public boolean isEmpty() {
    return types.isEmpty() && aggregates.isEmpty();
  }

  public boolean passes(Aggregate aggregate) {
    return isEmpty() || types.contains(aggregate.type()) || aggregates.contains(aggregate);
  }

  public boolean passes(AggregateKey key) {
    return passes(key.aggregate());
  }

  /** Lets through actions whose aggregate passes, and effects with a linked aggregate that passes. */
  void appendSql(StringBuilder sql, List<Object> params) {
    if (isEmpty()) {
      return;
    }
    params.add(types.toArray(String[]::new));
    int typesParam = params.size();
    params.add(aggregates.stream().map(Aggregate::type).toArray(String[]::new));
    int aggTypesParam = params.size();
    params.add(aggregates.stream().map(Aggregate::id).toArray(String[]::new));
    int aggIdsParam = params.size();
    String passes = "(%1$s.agg_type = ANY($" + typesParam + "::text[]) OR (%1$s.agg_type, %1$s.agg_id) IN "
        + "(SELECT * FROM unnest($" + aggTypesParam + "::text[], $" + aggIdsParam + "::text[])))";
    sql.append(" AND (").append(String.format(passes, "e"))
        .append(" OR EXISTS (SELECT 1 FROM trigger_links l WHERE l.app = e.app AND l.partition = e.partition")
        .append(" AND l.ws = e.ws AND l.trigger_type = e.trigger_type AND l.trigger_id = e.trigger_id AND ")
        .append(String.format(passes, "l")).append("))");
  }
}
