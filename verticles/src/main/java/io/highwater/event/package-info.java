/**
 * Client batches as they arrive: parsed, validated with errors that name the field, and sized.
 */
package io.highwater.event;
