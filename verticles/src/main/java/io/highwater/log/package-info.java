/**
 * Logging: the partition in the diagnostic context of each line, and the choice between text and JSON lines.
 */
package io.highwater.log;
