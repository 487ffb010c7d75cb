/**
 * What every role says of a partition: its id, who owns it under which epoch, and the typed
 * messages its command processor hands its actualizers (records applied, groups projected, views
 * applied). Plain values, depending on no role's package.
 */
package io.highwater.partition;
