/**
 * Micrometer meters of the append and flush paths and the partitions' gauges, scraped in the Prometheus format.
 */
package io.highwater.metrics;
