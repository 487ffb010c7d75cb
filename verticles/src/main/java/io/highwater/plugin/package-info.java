/** Code of the user's own, loaded at start-up from the plug-ins directory: projector kinds. */
package io.highwater.plugin;
