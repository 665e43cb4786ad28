package org.latent4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.core.data.TestFiles.assertFails;
import static org.latent4j.core.data.TestFiles.gzip;
import static org.latent4j.core.data.TestFiles.write;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.io.CsvReader.Header;
import org.latent4j.core.data.io.CsvReader.Format;

class CsvReaderTest {
    @TempDir
    Path dir;

    private Path csv(String name, String text) {
        return write(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void headerIsDetectedAndValuesRoundTrip() throws Exception {
        Path p = csv("a.csv", "width, height ,depth\n1,2.5,-3e2\n 0.125 ,+4,.5\n");
        CsvReader.Table t = CsvReader.read(p);
        assertEquals(List.of("width", "height", "depth"), t.columnNames());
        assertArrayEquals(new int[] {2, 3}, t.values().shape());
        assertArrayEquals(new float[] {1, 2.5f, -300, 0.125f, 4, 0.5f}, t.values().toArray());
    }

    @Test
    void noHeaderWhenTheFirstLineIsNumeric() throws Exception {
        CsvReader.Table t = CsvReader.read(csv("b.csv", "1,2\n3,4\n"));
        assertEquals(List.of(), t.columnNames());
        assertEquals(2, t.rows());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.values().toArray());
    }

    /** A header of numeric names is data for AUTO; PRESENT makes it a header. */
    @Test
    void headerFlagOverridesDetection() throws Exception {
        Path p = csv("c.csv", "1,2\n3,4\n");
        CsvReader.Table t = CsvReader.read(p, Format.DEFAULT.withHeader(Header.PRESENT));
        assertEquals(List.of("1", "2"), t.columnNames());
        assertArrayEquals(new float[] {3, 4}, t.values().toArray());
        Path named = csv("d.csv", "x,y\n3,4\n");
        assertFails(named.toString(), () -> CsvReader.read(named, Format.DEFAULT.withHeader(Header.ABSENT)), "line 1, column 1: 'x' is not a number");
    }

    @Test
    void otherSeparatorsBlankLinesCrLfBomAndGzip() throws Exception {
        Path semi = csv("e.csv", "\uFEFFa;b\r\n1;2\r\n\r\n   \r\n3;4\r\n");
        CsvReader.Table t = CsvReader.read(semi, Format.DEFAULT.withSeparator(';'));
        assertEquals(List.of("a", "b"), t.columnNames());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.values().toArray());
        Path tab = csv("f.tsv", "1\t2\n3\t4");
        assertArrayEquals(new float[] {1, 2, 3, 4}, CsvReader.read(tab, Format.DEFAULT.withSeparator('\t')).values().toArray());
        Path gz = write(dir, "g.csv.gz", gzip("p,q\n5,6\n".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(new float[] {5, 6}, CsvReader.read(gz).values().toArray());
        assertThrows(IllegalArgumentException.class, () -> Format.DEFAULT.withSeparator('.'));
    }

    @Test
    void inconsistentColumnsNameTheLine() {
        Path p = csv("cols.csv", "a,b,c\n1,2,3\n\n4,5\n");
        String m = assertFails(p.toString(), () -> CsvReader.read(p));
        assertEquals(p + ": line 4 has 2 columns but the header (line 1) has 3", m);
        Path q = csv("cols2.csv", "1,2\n3,4,5\n");
        assertFails(q.toString(), () -> CsvReader.read(q), "line 2 has 3 columns but line 1 has 2");
    }

    @Test
    void nanAndEmptyCellsAreErrorsUnlessAllowed() throws Exception {
        Path nan = csv("nan.csv", "a,b\n1,2\n3,NaN\n");
        assertFails(nan.toString(), () -> CsvReader.read(nan), "line 3, column 2 (\"b\"): 'NaN'", "missing values are an error");
        Path empty = csv("empty.csv", "1,,3\n");
        assertFails(empty.toString(), () -> CsvReader.read(empty), "line 1, column 2: empty cell");
        Path trailing = csv("trailing.csv", "1,2,\n");
        assertFails(trailing.toString(), () -> CsvReader.read(trailing), "line 1, column 3: empty cell");

        float[] v = CsvReader.read(nan, Format.DEFAULT.withAllowMissing(true)).values().toArray();
        assertEquals(3f, v[2]);
        assertTrue(Float.isNaN(v[3]));
        float[] w = CsvReader.read(empty, Format.DEFAULT.withAllowMissing(true)).values().toArray();
        assertTrue(Float.isNaN(w[1]));
    }

    @Test
    void nonNumbersInfinitiesAndOverflowAreErrors() {
        Path text = csv("text.csv", "a,b\n1,abc\n");
        assertFails(text.toString(), () -> CsvReader.read(text), "line 2, column 2 (\"b\"): 'abc' is not a number");
        // Float.parseFloat would take these; a CSV of numbers should not.
        for (String cell : new String[] {"1f", "0x1p3", "1e", "--1", "1.2.3", "Infinity"}) {
            Path p = csv("cell.csv", "1," + cell + "\n");
            assertFails(p.toString(), () -> CsvReader.read(p, Format.DEFAULT.withHeader(Header.ABSENT)), "line 1, column 2: '" + cell + "'");
        }
        Path inf = csv("inf.csv", "1,-inf\n");
        assertFails(inf.toString(), () -> CsvReader.read(inf), "'-inf' is infinite");
        Path big = csv("big.csv", "1,1e39\n");
        assertFails(big.toString(), () -> CsvReader.read(big), "'1e39' is outside the float32 range");
        Path control = write(dir, "control.csv", new byte[] {'1', ',', 1, 2, '\n'});
        assertFails(control.toString(), () -> CsvReader.read(control, Format.DEFAULT.withHeader(Header.ABSENT)), "'\\x01\\x02' is not a number");
    }

    @Test
    void binaryDataIsRefusedBeforeItFillsMemory() {
        Path nul = write(dir, "nul.csv", new byte[] {'1', ',', '2', '\n', '3', 0, '4', '\n'});
        assertFails(nul.toString(), () -> CsvReader.read(nul), "line 2 holds a NUL character: binary data, not CSV text");
        byte[] endless = new byte[CsvReader.MAX_LINE_CHARS + 10];
        java.util.Arrays.fill(endless, (byte) '7');
        Path p = write(dir, "endless.csv", endless);
        assertFails(p.toString(), () -> CsvReader.read(p), "line 1 is longer than 16,777,216 characters");
    }

    @Test
    void emptyFilesHeaderOnlyAndBadEncoding() {
        Path empty = csv("empty.csv", "\n  \n");
        assertFails(empty.toString(), () -> CsvReader.read(empty), "holds no data: it is empty or blank");
        Path header = csv("header.csv", "a,b\n");
        assertFails(header.toString(), () -> CsvReader.read(header), "holds a header (line 1) but no data rows");
        Path latin1 = write(dir, "latin1.csv", new byte[] {'a', ',', (byte) 0xe9, '\n', '1', ',', '2', '\n'});
        assertFails(latin1.toString(), () -> CsvReader.read(latin1), "is not UTF-8 text");
    }

    @Test
    void manyRowsGrowTheBufferCorrectly() throws Exception {
        StringBuilder sb = new StringBuilder("i,square\n");
        for (int i = 0; i < 3000; i++) sb.append(i).append(',').append(i * i).append('\n');
        CsvReader.Table t = CsvReader.read(csv("many.csv", sb.toString()));
        assertEquals(3000, t.rows());
        for (int i = 0; i < 3000; i += 7) {
            assertEquals(i, t.values().get(i, 0));
            assertEquals((float) (i * i), t.values().get(i, 1));
        }
    }
}
