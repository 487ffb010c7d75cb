package io.highwater.storage;

import io.vertx.pgclient.PgException;

/**
 * An append refused because the log is not as its group was planned: an aggregate the statement
 * checked was touched after its base offset, or an event id is stored already. Nothing of the
 * group was written; the command processor reads the log and plans the group again.
 */
public final class PlanOutdated extends RuntimeException {

  /** The SQLSTATE {@code highwater_untouched} raises (migration V9). */
  static final String TOUCHED = "HW002";
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String EVENT_ID_INDEX = "events_event_id";

  PlanOutdated(String message) {
    super(message, null, false, false);
  }

  /** The failure as a {@link PlanOutdated} when PostgreSQL refused the append for one of those reasons, else as it was. */
  static Throwable of(Throwable failure) {
    if (failure instanceof PgException pg
        && (TOUCHED.equals(pg.getSqlState())
            || UNIQUE_VIOLATION.equals(pg.getSqlState()) && EVENT_ID_INDEX.equals(pg.getConstraint()))) {
      return new PlanOutdated(pg.getErrorMessage());
    }
    return failure;
  }
}
