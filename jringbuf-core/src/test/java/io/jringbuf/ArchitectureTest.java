/*
 * Copyright 2026 The jringbuf authors. Licensed under the Apache License, Version 2.0.
 */
package io.jringbuf;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The library's structure, as rules: packages depend one way only (API → roles → memory and wait
 * → format → sys → base), there is no cycle between any two packages, the exported API never
 * names an internal type, and every package is in a layer. (Which packages are exported:
 * {@link ModuleDescriptorTest}.)
 */
class ArchitectureTest {
    private static JavaClasses library;

    @BeforeAll
    static void importLibrary() throws Exception {
        // The library's own class files only (target/classes), not the class path's jars.
        Path classes = Path.of(JvmRing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        library = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(classes);
    }

    private static final String API = "io.jringbuf";
    private static final String BASE = "io.jringbuf.base..";
    private static final String BPF = "io.jringbuf.bpf..";
    private static final String PROTOCOL = "io.jringbuf.internal.protocol..";
    private static final String MEMORY = "io.jringbuf.internal.memory..";
    private static final String WAIT = "io.jringbuf.internal.wait..";
    private static final String FORMAT = "io.jringbuf.internal.format..";
    private static final String SYS = "io.jringbuf.internal.sys..";
    private static final String LOADER = "io.jringbuf.internal.loader..";
    private static final String BTF = "io.jringbuf.internal.btf..";
    private static final String ELF = "io.jringbuf.internal.elf..";
    private static final String BIN = "io.jringbuf.internal.bin..";

    @Test
    void layersDependOneWayOnly() {
        ArchRule rule = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("Rings").definedBy(API)
                .layer("Bpf").definedBy(BPF)
                .layer("Roles").definedBy(PROTOCOL)
                .layer("Memory").definedBy(MEMORY)
                .layer("Wait").definedBy(WAIT)
                .layer("Format").definedBy(FORMAT)
                .layer("Sys").definedBy(SYS)
                .layer("Loader").definedBy(LOADER)
                .layer("Btf").definedBy(BTF)
                .layer("Elf").definedBy(ELF)
                .layer("Bin").definedBy(BIN)
                .layer("Base").definedBy(BASE)
                .whereLayer("Rings").mayNotBeAccessedByAnyLayer()
                .whereLayer("Bpf").mayOnlyBeAccessedByLayers("Rings")
                .whereLayer("Roles").mayOnlyBeAccessedByLayers("Rings")
                .whereLayer("Memory").mayOnlyBeAccessedByLayers("Rings", "Roles")
                .whereLayer("Wait").mayOnlyBeAccessedByLayers("Rings", "Roles")
                .whereLayer("Loader").mayOnlyBeAccessedByLayers("Bpf")
                .whereLayer("Btf").mayOnlyBeAccessedByLayers("Bpf", "Loader")
                .whereLayer("Elf").mayOnlyBeAccessedByLayers("Bpf", "Loader")
                .whereLayer("Format").mayOnlyBeAccessedByLayers("Rings", "Bpf", "Roles", "Memory", "Wait", "Loader")
                .whereLayer("Bin").mayOnlyBeAccessedByLayers("Bpf", "Loader", "Btf", "Elf")
                .whereLayer("Sys").mayOnlyBeAccessedByLayers("Rings", "Bpf", "Roles", "Memory", "Wait", "Format",
                        "Loader", "Btf", "Elf")
                .whereLayer("Base").mayOnlyBeAccessedByLayers("Rings", "Bpf", "Roles", "Memory", "Wait", "Format",
                        "Sys", "Loader", "Btf", "Elf", "Bin");
        rule.check(library);
    }

    @Test
    void noPackageCycles() {
        // Every package is its own slice, the root package included.
        SliceAssignment byPackage = new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return SliceIdentifier.of(javaClass.getPackageName());
            }

            @Override
            public String getDescription() {
                return "one slice per package";
            }
        };
        slices().assignedFrom(byPackage).should().beFreeOfCycles().check(library);
    }

    @Test
    void everyPackageIsInALayer() {
        classes().should().resideInAnyPackage(API, BASE, BPF, PROTOCOL, MEMORY, WAIT, FORMAT, SYS, LOADER, BTF, ELF,
                        BIN)
                .because("a new package needs its place in the layers (see layersDependOneWayOnly)")
                .check(library);
    }

    @Test
    void theApiNeverNamesAnInternalType() {
        classes().that().resideInAnyPackage(API, BASE, BPF).and().arePublic()
                .should(exposeOnlyApiTypes())
                .check(library);
    }

    @Test
    void internalTypesAreNotPublicWithoutNeed() {
        // A public type in an internal package is reachable on the class path; it must be used
        // from another package (else it should be package-private).
        classes().that().resideInAPackage("io.jringbuf.internal..").and().arePublic()
                .and().areTopLevelClasses()
                .should(beUsedFromAnotherPackage())
                .check(library);
    }

    private static final DescribedPredicate<JavaClass> INTERNAL =
            DescribedPredicate.describe("internal", c -> c.getPackageName().startsWith("io.jringbuf.internal"));

    /** Public and protected members of a public API type: signatures without internal types. */
    private static ArchCondition<JavaClass> exposeOnlyApiTypes() {
        return new ArchCondition<>("name only API types in public signatures") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                for (JavaCodeUnit unit : type.getCodeUnits()) {
                    if (!isVisible(unit.getModifiers())) {
                        continue;
                    }
                    for (JavaClass used : unit.getParameterTypes().stream().map(JavaType::toErasure).toList()) {
                        report(type, unit.getFullName() + " takes " + used.getName(), used, events);
                    }
                    JavaClass returned = unit.getRawReturnType();
                    report(type, unit.getFullName() + " returns " + returned.getName(), returned, events);
                }
                for (JavaField field : type.getFields()) {
                    if (isVisible(field.getModifiers())) {
                        report(type, field.getFullName() + " is a " + field.getRawType().getName(), field.getRawType(),
                                events);
                    }
                }
                for (JavaClass parent : type.getAllRawInterfaces()) {
                    report(type, type.getName() + " implements " + parent.getName(), parent, events);
                }
            }
        };
    }

    private static boolean isVisible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static void report(JavaClass owner, String what, JavaClass used, ConditionEvents events) {
        if (INTERNAL.test(used.getBaseComponentType())) {
            events.add(SimpleConditionEvent.violated(owner, what + " (internal)"));
        }
    }

    private static ArchCondition<JavaClass> beUsedFromAnotherPackage() {
        return new ArchCondition<>("be used from another package") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                // Uses of the type or of its nested types (SectionDefs.Match is a use of SectionDefs).
                boolean used = library.stream()
                        .filter(c -> c.equals(type) || c.getName().startsWith(type.getName() + "$"))
                        .flatMap(c -> c.getDirectDependenciesToSelf().stream())
                        .anyMatch(d -> !d.getOriginClass().getPackageName().equals(type.getPackageName()));
                if (!used) {
                    events.add(SimpleConditionEvent.violated(type, type.getName()
                            + " is public but used only in its own package"));
                }
            }
        };
    }

    @Test
    void noClassOutsideTheRolesUsesTheHiddenClassTemplates() {
        noClasses().that().resideOutsideOfPackage(PROTOCOL)
                .should().dependOnClassesThat().haveSimpleNameEndingWith("Template")
                .check(library);
    }
}
