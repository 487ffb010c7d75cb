/**
 * A testkit for people who write projectors: {@link io.highwater.testkit.ProjectorTestKit} runs one
 * in memory as the server's actualizers do, with no server and no database.
 */
package io.highwater.testkit;
