package io.highwater.actualizer;

import java.util.List;
import java.util.Optional;

/**
 * How a view actualizer starts: with its partition (it catches up before the partition serves), or
 * added to a running partition by a new definition of its app, when it is built from its checkpoint
 * beside the live views while the partition serves. A sync view added so joins the command
 * processor's sync views ({@code into}) once built, between two groups.
 */
public record ViewStart(boolean added, Optional<Join> join) {

  /** The sync view the command processor is to project, and the list it projects from. */
  public record Join(SyncView view, List<SyncView> into) {}

  public static final ViewStart WITH_PARTITION = new ViewStart(false, Optional.empty());

  public static ViewStart addedAsync() {
    return new ViewStart(true, Optional.empty());
  }

  public static ViewStart addedSync(SyncView view, List<SyncView> into) {
    return new ViewStart(true, Optional.of(new Join(view, into)));
  }
}
