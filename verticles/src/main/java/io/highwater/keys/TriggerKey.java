package io.highwater.keys;

import io.highwater.event.Trigger;
import io.vertx.core.shareddata.Shareable;

/** An encryption-key trigger in its workspace: what a data key belongs to. */
public record TriggerKey(String ws, Trigger trigger) implements Shareable {}
