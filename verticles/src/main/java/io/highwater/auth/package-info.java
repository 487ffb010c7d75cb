/**
 * Authentication and authorization: bearer tokens verified, their grants matched against the app, workspace and role of each call, and the development key and token made when none is configured.
 */
package io.highwater.auth;
