package io.highwater.partition;

import io.highwater.projector.ProjectedEvent;
import java.util.List;

/**
 * The command processor made the events at offsets {@code first..last} durable and applied them to
 * the records; here they are as projectors see them (the states before and after, sealed values
 * opened with the keys of the moment). Async view actualizers that are caught up project these
 * instead of reading the events back from the log. Never leaves the node.
 */
public record GroupProjected(long first, long last, List<ProjectedEvent> events) {

  public GroupProjected {
    events = List.copyOf(events);
  }
}
