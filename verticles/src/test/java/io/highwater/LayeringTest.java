package io.highwater;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server's packages, one per role, depend on each other one way only; the rules' core is plain Java. */
class LayeringTest {

  private static JavaClasses server;

  @BeforeAll
  static void importServer() {
    server = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.highwater");
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.highwater.(*)..").should().beFreeOfCycles().check(server);
  }

  /** Watermark rules and partition values: plain Java, and Vert.x's JSON types for the wire. */
  @Test
  void watermarkRulesAndPartitionValuesNeedNoVertxNorHazelcast() {
    classes().that().resideInAnyPackage("io.highwater.watermark..", "io.highwater.partition..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.vertx.core.json..", "io.vertx.core.shareddata..",
            "io.highwater.watermark..", "io.highwater.partition..", "io.highwater.event..", "io.highwater.projector..")
        .check(server);
  }
}
