package io.highwater.partition;

import io.vertx.core.shareddata.Shareable;

/** A key of a view in its workspace. */
public record ViewKey(String ws, String key) implements Shareable {}
