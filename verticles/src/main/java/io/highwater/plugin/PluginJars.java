package io.highwater.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The jars of the plug-ins directory, in name order, behind one class loader whose parent is the
 * server's: a plug-in sees the projector API and the libraries the server ships, never the other way
 * round. {@code java -jar} ignores the class path, so this is how code of the user's own reaches the server.
 */
public final class PluginJars {

  private PluginJars() {}

  /** The jars directly in {@code dir}; none when it does not exist. */
  public static List<Path> in(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("pluginsDir: " + dir.toAbsolutePath() + " is not a directory");
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("pluginsDir: cannot list " + dir.toAbsolutePath(), e);
    }
  }

  /** A loader over {@code jars} (the parent itself when there are none). */
  public static ClassLoader loader(List<Path> jars, ClassLoader parent) {
    if (jars.isEmpty()) {
      return parent;
    }
    URL[] urls = jars.stream().map(PluginJars::url).toArray(URL[]::new);
    return new URLClassLoader("highwater-plugins", urls, parent);
  }

  private static URL url(Path jar) {
    try {
      return jar.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("pluginsDir: " + jar, e);
    }
  }
}
