/**
 * The HTTP and WebSocket edge: routes of the API contract, the access check first on each, requests forwarded to a partition's owner over the event bus, and the owner-side reads of the cache.
 */
package io.highwater.http;
