/**
 * The server's entry points: the command line, the node that deploys every role's verticles, and the partitions a node runs.
 */
package io.highwater;
