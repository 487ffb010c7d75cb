/**
 * The projectors that ship with the server: count, field and index views.
 */
package io.highwater.projector.builtin;
