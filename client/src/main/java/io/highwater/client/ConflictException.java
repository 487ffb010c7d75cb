package io.highwater.client;

/** Thrown by {@link AppendResult#requireOk()} for a conflict: status 409, code {@code conflict}. */
public final class ConflictException extends HighwaterException {

  private final transient AppendResult.Conflict conflict;

  public ConflictException(AppendResult.Conflict conflict) {
    super(409, "conflict", "event at offset " + conflict.ours().offset() + " conflicts with stored offsets "
        + conflict.unresolved(), null);
    this.conflict = conflict;
  }

  public AppendResult.Conflict conflict() {
    return conflict;
  }
}
