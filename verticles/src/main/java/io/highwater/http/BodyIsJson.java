package io.highwater.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * Drops a request's content type before the body handler sees it: the API's bodies are JSON whatever the
 * type claims, and curl's default form type would otherwise send them to the form decoder, which gives up
 * on bodies over a kilobyte. A platform handler because Vert.x Web runs those before body handlers.
 */
final class BodyIsJson implements PlatformHandler {

  @Override
  public void handle(RoutingContext ctx) {
    ctx.request().headers().remove(HttpHeaders.CONTENT_TYPE);
    ctx.next();
  }
}
