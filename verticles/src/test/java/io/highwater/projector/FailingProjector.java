package io.highwater.projector;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A projector for tests, added the way a user adds one (a service entry and a config line): it
 * throws on any aggregate whose state has the field named in its options.
 */
public final class FailingProjector implements Projector {

  /** Makes {@code failing} projectors. */
  public static final class Factory implements ProjectorFactory {
    @Override
    public String kind() {
      return "failing";
    }

    @Override
    public Projector create(String view, JsonObject options) {
      return new FailingProjector(options.getString("field"));
    }
  }

  private final String poison;

  FailingProjector(String poison) {
    this.poison = poison;
  }

  @Override
  public Set<String> reads(ProjectedEvent event) {
    return Set.of();
  }

  @Override
  public void project(ProjectedEvent event, ViewReader view, Intents intents) {
    if (event.after() != null && event.after().containsKey(poison)) {
      throw new IllegalStateException("poisoned aggregate " + event.aggregate().aggregate());
    }
    if (event.isAction()) {
      intents.put("seen", new JsonObject().put("last", event.stored().offset()));
    }
  }
}
