package io.highwater.health;

import io.highwater.watermark.Level;

/**
 * How far one entity of a partition is behind the command processor at one level: its watermark,
 * the events beyond it, and how long the first of them has been durable. {@code note}: the
 * entity's status note (a failed view's error), empty when it has none.
 */
public record EntityLag(String entity, Level level, long watermark, long lagEvents, long lagMs, String note) {}
