/**
 * Readiness and lag: how far each entity's watermarks trail the command processor, and the rules that turn it into health.
 */
package io.highwater.health;
