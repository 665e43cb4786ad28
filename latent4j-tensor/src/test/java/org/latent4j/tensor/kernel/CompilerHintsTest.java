package org.latent4j.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class CompilerHintsTest {
    @Test
    void hotSpotTakesTheInliningDirective() throws Exception {
        // the tests run on HotSpot, so a directive HotSpot cannot parse (it then adds none) fails here
        assertTrue(CompilerHints.install(), "HotSpot refused the directive");
        String printed = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "compilerDirectivesPrint", new Object[] {new String[0]}, new String[] {String[].class.getName()}).toString();
        assertTrue(printed.contains("+org/latent4j/tensor/kernel/SimdKernels.*Lanes"), printed);
        assertTrue(printed.contains("-org/latent4j/tensor/kernel/SimdKernels.*"), printed);
    }
}
