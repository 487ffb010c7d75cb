/**
 * The cluster: Hazelcast setup, which node owns which partition (assignment, claims with epochs), event-bus addresses and the codec that keeps local messages unserialized.
 */
package io.highwater.cluster;
