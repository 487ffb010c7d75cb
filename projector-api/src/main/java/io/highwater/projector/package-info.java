/**
 * What a projector plug-in is written against: a {@link io.highwater.projector.ProjectorFactory}
 * makes a {@link io.highwater.projector.Projector} per view, which reads the view keys it names
 * through a {@link io.highwater.projector.ViewReader} and emits {@link io.highwater.projector.Intents}
 * for each {@link io.highwater.projector.ProjectedEvent}. Nothing here depends on the server.
 */
package io.highwater.projector;
