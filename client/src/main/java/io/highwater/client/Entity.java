package io.highwater.client;

/** Names of what the consistency coordinator tracks: {@code records}, {@code view:<name>}, or {@code *} (watch only). */
public final class Entity {

  /** All records of a partition. */
  public static final String RECORDS = "records";
  /** Every entity of the app (only for {@code watch}). */
  public static final String ALL = "*";

  private Entity() {}

  /** {@code view:<name>}. */
  public static String view(String name) {
    return "view:" + name;
  }
}
