/**
 * The consistency coordinator: the owner's watermarks of every entity at the cache and storage levels, copied to a Hazelcast map for every node's waiting reads and WebSocket watchers, never ahead of what was applied.
 */
package io.highwater.coordinator;
