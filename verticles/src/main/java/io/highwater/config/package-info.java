/**
 * Configuration: {@code conf/config.json} read into typed records, each key overridable by an environment variable.
 */
package io.highwater.config;
