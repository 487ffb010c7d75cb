package io.highwater.event;

/** Input that breaks the wire contract; {@code field} is its path, e.g. {@code events[1].action.aggregate}. */
public final class InvalidInputException extends RuntimeException {

  private final String field;
  private final String reason;

  public InvalidInputException(String field, String reason) {
    super(field + ": " + reason, null, false, false);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  /** What was expected, without the field. */
  public String reason() {
    return reason;
  }
}
