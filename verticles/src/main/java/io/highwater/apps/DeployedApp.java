package io.highwater.apps;

import io.highwater.config.AppConfig;

/** An app's definition as stored, with its version (1 for the first, one more per change). */
public record DeployedApp(AppConfig app, long version) {

  public String name() {
    return app.name();
  }
}
