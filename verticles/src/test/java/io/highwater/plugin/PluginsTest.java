package io.highwater.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.highwater.actualizer.ViewDefinition;
import io.highwater.config.AppConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jars of the plug-ins directory, compiled here, found by the projector lookup; and what is refused. */
class PluginsTest {

  private static final String SERVICE = "META-INF/services/io.highwater.projector.ProjectorFactory";

  @TempDir
  Path dir;

  private ClassLoader parent() {
    return PluginsTest.class.getClassLoader();
  }

  @Test
  void noDirectoryMeansNoPluginsAndTheBuiltInKinds() {
    assertThat(PluginJars.in(dir.resolve("missing"))).isEmpty();
    assertThat(PluginJars.loader(List.of(), parent())).isSameAs(parent());
    assertThat(ProjectorKinds.load(parent()).kinds()).contains("index", "count").doesNotContain("constant");
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsNamed() throws IOException {
    Path file = Files.writeString(dir.resolve("plugins"), "not a directory");
    assertThatThrownBy(() -> PluginJars.in(file)).hasMessageContaining("pluginsDir").hasMessageContaining("not a directory");
  }

  @Test
  void aJarInTheDirectoryAddsItsKind() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    jar(plugins.resolve("constant.jar"), "ConstantFactory", "constant");
    Files.writeString(plugins.resolve("notes.txt"), "ignored");
    List<Path> jars = PluginJars.in(plugins);
    assertThat(jars).extracting(p -> p.getFileName().toString()).containsExactly("constant.jar");

    ProjectorKinds kinds = ProjectorKinds.load(PluginJars.loader(jars, parent()));
    assertThat(kinds.kinds()).contains("constant", "index", "count");
    AppConfig app = AppConfig.fromJson("shop", new JsonObject().put("partitions", 1).put("views", new JsonObject()
        .put("fixed", new JsonObject().put("projector", "constant"))));
    assertThat(ViewDefinition.of(app, kinds)).singleElement().satisfies(view -> assertThat(view.name()).isEqualTo("fixed"));
    assertThat(ProjectorKinds.load(parent()).get("constant")).as("the server's own loader does not see it").isEmpty();
  }

  @Test
  void anUnknownKindNamesTheViewAndTheKnownKinds() {
    AppConfig app = AppConfig.fromJson("shop", new JsonObject().put("partitions", 1).put("views", new JsonObject()
        .put("fixed", new JsonObject().put("projector", "constant"))));
    assertThatThrownBy(() -> ViewDefinition.of(app, ProjectorKinds.load(parent())))
        .hasMessageContaining("apps.shop.views.fixed.projector").hasMessageContaining("'constant'")
        .hasMessageContaining("plug-ins directory").hasMessageContaining("count");
  }

  @Test
  void aSecondFactoryOfOneKindIsRefusedNamingBoth() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    jar(plugins.resolve("other-count.jar"), "OtherCountFactory", "count");
    assertThatThrownBy(() -> ProjectorKinds.load(PluginJars.loader(PluginJars.in(plugins), parent())))
        .hasMessageContaining("'count'").hasMessageContaining("CountProjector$Factory").hasMessageContaining("OtherCountFactory");
  }

  @Test
  void aServiceEntryWithoutItsClassIsRefused() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(plugins.resolve("broken.jar")))) {
      out.putNextEntry(new JarEntry(SERVICE));
      out.write("com.example.Missing\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> ProjectorKinds.load(PluginJars.loader(PluginJars.in(plugins), parent())))
        .hasMessageContaining("plug-in cannot be loaded").hasMessageContaining("com.example.Missing");
  }

  /** A jar holding one compiled factory of {@code kind}, whose projectors do nothing, and its service entry. */
  private void jar(Path jar, String className, String kind) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src-" + className).resolve("plug"));
    Path classes = Files.createDirectories(dir.resolve("classes-" + className));
    Files.writeString(src.resolve(className + ".java"), """
        package plug;
        import io.highwater.projector.*;
        import io.vertx.core.json.JsonObject;
        import java.util.Set;
        public class %s implements ProjectorFactory {
          public String kind() { return "%s"; }
          public Projector create(String view, JsonObject options) {
            return new Projector() {
              public Set<String> reads(ProjectedEvent event) { return Set.of(); }
              public void project(ProjectedEvent event, ViewReader reader, Intents intents) {}
            };
          }
        }
        """.formatted(className, kind));
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    boolean ok = compiler.getTask(null, null, null, List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString()),
        null, compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)
            .getJavaFileObjects(src.resolve(className + ".java").toFile())).call();
    assertThat(ok).isTrue();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); var files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
      }
      out.putNextEntry(new JarEntry(SERVICE));
      out.write(("plug." + className + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }
}
