package org.latent4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.DataFileException;
import org.latent4j.core.data.TestFiles;
import org.latent4j.core.data.VectorFiles;

/** A CSV column of class labels: taken out of the features, by name or number, and mapped to class ids. */
class LabelColumnTest {
    @TempDir
    Path dir;

    private Path csv(String name, String text) {
        return TestFiles.write(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theLabelColumnIsTakenOutByNameOrNumber() throws Exception {
        Path p = csv("a.csv", "x, kind ,y\n1,cat,2\n3,dog,4\n5,cat,6\n");
        CsvReader.LabelledTable byName = CsvReader.read(p, CsvReader.Format.DEFAULT, "kind");
        assertEquals(2, byName.labelColumn());
        assertEquals("kind", byName.labelColumnName());
        assertEquals(List.of("x", "y"), byName.table().columnNames());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, byName.table().values().toArray());
        assertEquals(List.of("cat", "dog", "cat"), byName.labels());
        CsvReader.LabelledTable byNumber = CsvReader.read(p, CsvReader.Format.DEFAULT, "2");
        assertEquals(byName.labels(), byNumber.labels());
        assertArrayEquals(byName.table().values().toArray(), byNumber.table().values().toArray());
        // a headerless file, the label first
        CsvReader.LabelledTable first = CsvReader.read(csv("b.csv", "7,0.5,1\n8,1.5,2\n"), CsvReader.Format.DEFAULT, "1");
        assertEquals(List.of("7", "8"), first.labels());
        assertArrayEquals(new int[] {2, 2}, first.table().values().shape());
    }

    @Test
    void namesBecomeClassesInOrderOfFirstAppearanceAndWholeNumbersStayThemselves() throws Exception {
        VectorFiles.Labelled names = VectorFiles.readLabelled(csv("n.csv", "a,c\n1,eel\n2,ant\n3,eel\n4,bee\n"), "c", List.of());
        assertEquals(List.of("eel", "ant", "bee"), names.classes());
        assertArrayEquals(new int[] {0, 1, 0, 2}, names.data().labels());
        // a second file maps the known classes as the first did, and numbers its new ones after them
        VectorFiles.Labelled more = VectorFiles.readLabelled(csv("m.csv", "a,c\n1,bee\n2,cow\n"), "c", names.classes());
        assertEquals(List.of("eel", "ant", "bee", "cow"), more.classes());
        assertArrayEquals(new int[] {2, 3}, more.data().labels());
        VectorFiles.Labelled ints = VectorFiles.readLabelled(csv("i.csv", "a,c\n1,3\n2,0\n"), "c", List.of());
        assertArrayEquals(new int[] {3, 0}, ints.data().labels());
        assertEquals(List.of("0", "1", "2", "3"), ints.classes());
    }

    @Test
    void badLabelColumnsAreOneClearMessage() {
        Path p = csv("c.csv", "x,kind\n1,cat\n2,\n");
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.read(p, CsvReader.Format.DEFAULT, "kind")).getMessage()
                .contains("line 3, column 2 (\"kind\"): the label is missing"));
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.read(p, CsvReader.Format.DEFAULT, "species")).getMessage()
                .contains("has no column named 'species' to take labels from (its columns: x, kind)"));
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.read(p, CsvReader.Format.DEFAULT, "3")).getMessage()
                .contains("has 2 columns, so it has no column 3"));
        Path only = csv("d.csv", "1\n2\n");
        assertTrue(assertThrows(DataFileException.class, () -> CsvReader.read(only, CsvReader.Format.DEFAULT, "1")).getMessage()
                .contains("holds only the label column, no features"));
        Path npy = csv("e.npy", "x");
        assertTrue(assertThrows(DataFileException.class, () -> VectorFiles.readLabelled(npy, "1", List.of())).getMessage()
                .contains("a label column is read from .csv files only"));
    }
}
