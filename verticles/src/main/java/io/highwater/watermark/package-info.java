/**
 * The watermark rules, in plain Java: the consistency levels, an entity's watermark, and a
 * partition's consistency state with the forward-only advances the coordinator applies to it and the
 * merge that never lets a copy over-claim. The coordinator, health and metrics read them; they read
 * nothing of theirs.
 */
package io.highwater.watermark;
