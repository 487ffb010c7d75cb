package io.highwater.actualizer;

import io.highwater.projector.ProjectedEvent;

/**
 * A projector threw on the event at {@code offset}; its view stops there and does not skip it. It
 * keeps only the {@link ProjectorError} text, not the exception, which may hold opened values.
 */
public final class ProjectorFailure extends RuntimeException {

  private final long offset;
  private final String error;

  ProjectorFailure(ProjectedEvent event, RuntimeException thrown) {
    this(event.stored().offset(), ProjectorError.describe(thrown, event));
  }

  public ProjectorFailure(long offset, String error) {
    super("projector failed at offset " + offset + ": " + error, null, false, false);
    this.offset = offset;
    this.error = error;
  }

  public long offset() {
    return offset;
  }

  public String error() {
    return error;
  }
}
