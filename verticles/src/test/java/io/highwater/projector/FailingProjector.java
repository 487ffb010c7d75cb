package io.highwater.projector;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A projector for tests, added the way a user adds one (a service entry and a config line): it
 * throws on any aggregate whose state has the field named in its options ({@code field}); with
 * {@code whileFile}, only while that file exists (the fault can be fixed); with {@code echo}, its
 * message holds the value of that field of the state (as a careless projector's might).
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
      return new FailingProjector(options.getString("field"), Optional.ofNullable(options.getString("whileFile")).map(Path::of),
          options.getString("echo"));
    }
  }

  private final String poison;
  private final Optional<Path> whileFile;
  private final String echo;

  FailingProjector(String poison, Optional<Path> whileFile, String echo) {
    this.poison = poison;
    this.whileFile = whileFile;
    this.echo = echo;
  }

  @Override
  public Set<String> reads(ProjectedEvent event) {
    return Set.of();
  }

  @Override
  public void project(ProjectedEvent event, ViewReader view, Intents intents) {
    if (event.after() != null && event.after().containsKey(poison) && whileFile.map(Files::exists).orElse(true)) {
      throw new IllegalStateException("poisoned aggregate " + event.aggregate().aggregate()
          + (echo == null ? "" : " with " + echo + " " + event.after().getValue(echo)));
    }
    if (event.isAction()) {
      intents.put("seen", new JsonObject().put("last", event.stored().offset()));
    }
  }
}
