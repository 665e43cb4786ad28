package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Conventions of the code base that a reader relies on, checked over the sources of every module. */
class SourceConventionsTest {
    private static final Pattern PUBLIC_TYPE = Pattern.compile("^\\s*public\\s+(?:static\\s+|final\\s+|abstract\\s+|sealed\\s+|non-sealed\\s+)*"
            + "(?:class|record|interface|enum|@interface)\\s+([A-Z][A-Za-z0-9]*)", Pattern.MULTILINE);

    /** The main sources of every module, found from this module's directory (where the tests run). */
    private static List<Path> mainSources() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path m : modules.filter(p -> p.getFileName().toString().startsWith("latent4j-")).toList()) {
                Path src = m.resolve("src/main/java");
                if (!Files.isDirectory(src)) continue;
                try (Stream<Path> files = Files.walk(src)) {
                    files.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
                }
            }
        }
        return out;
    }

    @Test
    void noTwoPublicTypesShareASimpleName() throws IOException {
        Map<String, List<String>> where = new TreeMap<>();
        List<Path> sources = mainSources();
        assertTrue(sources.size() > 100, "found the sources of every module: " + sources.size());
        for (Path f : sources) {
            Matcher m = PUBLIC_TYPE.matcher(Files.readString(f));
            while (m.find()) where.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(f.getFileName().toString());
        }
        assertTrue(where.containsKey("LatentModel") && where.containsKey("Guard"), "public nested types are seen too");
        List<String> shared = new ArrayList<>();
        where.forEach((name, files) -> {
            if (files.size() > 1) shared.add(name + " in " + files);
        });
        assertTrue(shared.isEmpty(), "public types sharing a simple name: " + shared);
    }
}
