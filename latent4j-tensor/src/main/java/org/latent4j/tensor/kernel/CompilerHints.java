package org.latent4j.tensor.kernel;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Tells HotSpot's C2, through a compiler directive (JEP 165; what {@code jcmd Compiler.directives_add}
 * does), how to inline {@link SimdKernels} in Latent4j's code: its vector helpers (the methods named
 * {@code ...Lanes}, which take and return vectors; {@link SimdCodeScan}'s too) always, its array kernels never; and never GEMM's
 * and the code search's micro-kernels, the code scan's fast-scan loops and GEMM's transposing copies, the
 * largest Vector-API methods, into their callers.
 *
 * <p>Why: a vector is a register only inside one compiled method; passed to or returned from a call that
 * C2 did not inline it becomes a heap object and the helper runs the Vector API's Java fallbacks. Left
 * to its heuristics C2 inlines a helper of more than 35 bytecodes only where its profile calls the site
 * hot, and it stops inlining altogether once a method has grown past its node budget, which happens when
 * it inlines a whole array kernel (say softplus into the BCE kernel) into its caller. On a 2-core
 * machine the outcome depended on the order of compilation: the same MLP training step allocated 18 KB
 * in one JVM and 1.8 MB in the next. With the directive each array kernel is one compilation unit with
 * all its helpers inlined, whoever calls it; the cost is one call per kernel invocation.
 *
 * <p>Only C2's compiles of {@code org.latent4j} methods are affected (C1 does not intrinsify the Vector
 * API anyway). Where the JVM has no such facility (another VM, no {@code java.management}) nothing
 * happens: results are the same, only speed and allocation vary as before.
 * {@code -Dlatent4j.compilerHints=false} turns it off.
 */
final class CompilerHints {
    private static final String DIRECTIVE = """
            [{
              match: "org/latent4j/*.*",
              c2: {
                inline: ["+org/latent4j/tensor/kernel/SimdKernels.*Lanes", "+org/latent4j/tensor/kernel/SimdCodeScan.*Lanes",
                         "+org/latent4j/tensor/kernel/SimdKernels.bound",
                         "-org/latent4j/tensor/kernel/SimdKernels.*", "-org/latent4j/tensor/kernel/GemmPacking.transpose8x16",
                         "-org/latent4j/tensor/kernel/GemmPacking.exchange*", "-org/latent4j/tensor/kernel/SimdGemm.kernel*",
                         "-org/latent4j/tensor/kernel/SimdCodeSearch.kernel*", "-org/latent4j/tensor/kernel/SimdCodeScan.scan4Wide",
                         "-org/latent4j/tensor/kernel/SimdCodeScan.scan4Narrow", "-org/latent4j/tensor/kernel/SimdCodeScan.scanBytes"]
              }
            }]
            """;

    private CompilerHints() {}

    /** Installs the directive once per JVM; true when the JVM accepted it. */
    static boolean install() {
        if (!Boolean.parseBoolean(System.getProperty("latent4j.compilerHints", "true"))) return false;
        Path file = null;
        try {
            file = Files.createTempFile("latent4j-inline", ".json");
            Files.writeString(file, DIRECTIVE, StandardCharsets.UTF_8);
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerDirectivesAdd", new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            // the command reports how many directives it added, or why it added none
            return out != null && out.toString().contains("1 compiler directives added");
        } catch (Exception | LinkageError e) {
            return false;
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (Exception ignored) {
                    // a leftover temporary file of 200 bytes is not worth failing for
                }
            }
        }
    }
}
