package io.highwater.event;

import io.vertx.core.shareddata.Shareable;

/** An aggregate in its workspace: aggregates, records and their conflicts live inside one. */
public record AggregateKey(String ws, Aggregate aggregate) implements Shareable {}
