/**
 * The benchmark: the server's append, batch and consistency phases measured against pgbench's commit rate on the same PostgreSQL.
 */
package io.highwater.bench;
