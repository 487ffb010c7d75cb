/**
 * The Java client of the HTTP and WebSocket API: appends, reads at a consistency level and offset, and watches.
 */
package io.highwater.client;
