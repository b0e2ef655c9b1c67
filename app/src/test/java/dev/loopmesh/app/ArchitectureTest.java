package dev.loopmesh.app;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The app reads engine snapshots; it never touches the wire, YAML or crypto libraries (DESIGN.md, "app"). */
class ArchitectureTest {
    private final JavaClasses app = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.loopmesh.app");

    @Test
    void appClassesImportNoNettyJacksonBouncyCastleOrYaml() {
        noClasses().that().resideInAPackage("dev.loopmesh.app..")
                .should().dependOnClassesThat().resideInAnyPackage("io.netty..", "tools.jackson..", "com.fasterxml.jackson..",
                        "org.bouncycastle..", "org.snakeyaml..")
                .check(app);
    }

    @Test
    void appClassesStayOutOfTheEnginesInternals() {
        noClasses().that().resideInAPackage("dev.loopmesh.app..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.loopmesh.internal..", "dev.loopmesh.dataplane..")
                .check(app);
    }
}
