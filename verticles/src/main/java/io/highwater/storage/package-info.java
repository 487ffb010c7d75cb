/**
 * PostgreSQL, the truth: the event log, records, views, checkpoints, the catalog of nodes, owners and apps, and the embedded server for trying it out; every hot statement keeps one plan whatever the table's size.
 */
package io.highwater.storage;
