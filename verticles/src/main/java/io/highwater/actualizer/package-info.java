/**
 * Actualizers: the records and view actualizers that apply a partition's events to the cache first and then flush them to storage with their offsets, so that a replay never applies an event twice; poisoned views are retried, parked or skipped here.
 */
package io.highwater.actualizer;
