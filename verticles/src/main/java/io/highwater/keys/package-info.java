/**
 * Crypto-shredding: the master key, per-trigger data keys, and sealing and opening of sealed fields.
 */
package io.highwater.keys;
