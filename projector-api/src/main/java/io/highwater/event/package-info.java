/**
 * The event model projectors see: actions, triggers, effects, patches and sealed values, as immutable values.
 */
package io.highwater.event;
