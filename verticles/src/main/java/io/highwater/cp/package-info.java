/**
 * The command processor of a partition: appends queued and grouped, conflicts and idempotency checked from memory, the group made durable in one statement, then applied to the cache and the sync views before it is acknowledged.
 */
package io.highwater.cp;
