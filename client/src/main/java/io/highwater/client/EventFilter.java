package io.highwater.client;

/**
 * A filter of a log read: {@code type=book} or {@code aggregate=book/Neuromancer}; repeatable. Effects
 * pass when they replay an aggregate that passes.
 */
public record EventFilter(String param, String value) {

  public EventFilter {
    Wire.require(param, "param");
    Wire.require(value, "value");
  }

  /** Events of aggregates of this type. */
  public static EventFilter type(String type) {
    return new EventFilter("type", type);
  }

  /** Events of this one aggregate ({@code id} a string or an integer). */
  public static EventFilter aggregate(String type, Object id) {
    return new EventFilter("aggregate", type + "/" + Wire.nameId(id));
  }
}
