/**
 * Apps deployed at runtime: definitions checked, stored with a version, and applied on every node, which starts and stops partitions and views to match.
 */
package io.highwater.apps;
