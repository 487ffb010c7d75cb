package io.highwater.actualizer;

import io.highwater.cluster.Addresses;
import io.highwater.partition.ViewApplied;
import io.highwater.keys.KeyRing;
import io.highwater.projector.ProjectedEvent;
import io.highwater.partition.ViewKey;
import io.highwater.storage.ViewValue;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sync view as the command processor applies it: projected into the cache before the append
 * answers, then handed to the view's actualizer to flush.
 */
public final class SyncView {

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final ViewDefinition definition;
  private final CachedView view;
  private final ViewApplier applier;
  /**
   * The offset its projector threw at, or -1: a failed view is no longer projected nor reported
   * until its actualizer has caught it up from the log. Set on the command processor's context, or
   * on the actualizer's while the processor is not running a group (before it starts, or held).
   */
  private volatile long failedAt = -1;

  public SyncView(ViewDefinition definition, CachedView view, KeyRing keyRing) {
    this.definition = definition;
    this.view = view;
    this.applier = new ViewApplier(definition.projector(), keyRing::sealedViewKey);
  }

  public String entity() {
    return definition.config().entity();
  }

  public String name() {
    return definition.name();
  }

  public boolean failed() {
    return failedAt >= 0;
  }

  /** The view's actualizer could not project the event at {@code offset}: the processor leaves the view alone. */
  void fail(long offset) {
    failedAt = offset;
  }

  /** The actualizer caught the view up to the processor's offset (the processor held): the processor projects it again. */
  void resume() {
    failedAt = -1;
  }

  /**
   * Projects the events, in order, into the view's cache and tells its actualizer what changed.
   * If the projector throws, nothing of these events reaches the cache, the view stops at that
   * event, and the future fails with the {@link ProjectorFailure}; a failed view ignores later
   * events until its actualizer resumes it.
   */
  public Future<Void> project(List<ProjectedEvent> events, EventBus eventBus) {
    if (failed()) {
      return Future.succeededFuture();
    }
    Set<ViewKey> reads = new LinkedHashSet<>();
    events.forEach(e -> reads.addAll(applier.reads(e)));
    return view.current(reads).map(values -> {
      Map<ViewKey, ViewValue> changed = new LinkedHashMap<>();
      for (ProjectedEvent e : events) {
        try {
          changed.putAll(applier.apply(e, values));
        } catch (RuntimeException thrown) {
          failedAt = e.stored().offset();
          throw new ProjectorFailure(e, thrown);
        }
      }
      changed.forEach(view.cache()::put);
      long last = events.get(events.size() - 1).stored().offset();
      eventBus.send(Addresses.viewApplied(view.partition(), definition.name()), new ViewApplied(last, List.copyOf(changed.keySet())), LOCAL);
      return null;
    });
  }
}
