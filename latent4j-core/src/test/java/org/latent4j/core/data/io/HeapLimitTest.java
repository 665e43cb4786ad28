package org.latent4j.core.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.DataFileException;

/** Data files larger than the heap (a small gzip that expands hugely, a big honest file) are refused before they exhaust it. */
class HeapLimitTest {
    @TempDir
    Path tmp;

    private final LongSupplier realHeap = BoundedInput.heapLeft;

    @AfterEach
    void restoreHeap() {
        BoundedInput.heapLeft = realHeap;
    }

    /** An IDX header of unsigned bytes [rows, 28, 28] followed by {@code payload} zero bytes. */
    private static byte[] idx(int rows, int payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload);
        b.putInt(0x0803).putInt(rows).putInt(28).putInt(28);
        return b.array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void aGzipThatExpandsBeyondTheHeapIsRefusedAsItIsRead() throws IOException {
        // 4 MB of zeros compress to a few kilobytes; read as float32 they need 16 MB
        Path bomb = tmp.resolve("bomb.idx.gz");
        Files.write(bomb, gzip(idx(5102, 5102 * 784)));
        assertTrue(Files.size(bomb) < 64 * 1024);
        BoundedInput.heapLeft = () -> 1_000_000;
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(bomb));
        assertTrue(e.getMessage().contains("decompresses to more than the Java heap can hold"), e.getMessage());
        assertTrue(e.getMessage().contains("the heap has 1,000,000 left"), e.getMessage());
        BoundedInput.heapLeft = realHeap;
        assertEquals(5102, IdxReader.read(bomb).shape()[0], "with the real heap the same file reads");
    }

    @Test
    void aPlainFileLargerThanTheHeapIsRefusedBeforeAllocating() throws IOException {
        Path big = tmp.resolve("big.idx");
        Files.write(big, idx(400, 400 * 784));
        BoundedInput.heapLeft = () -> 1_000_000;
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.read(big));
        assertTrue(e.getMessage().contains("is larger than the Java heap can hold: its 313,600 values need 1,254,400 bytes"), e.getMessage());
        Path csv = tmp.resolve("wide.csv.gz");
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 3000; i++) s.append("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n");
        Files.write(csv, gzip(s.toString().getBytes()));
        BoundedInput.heapLeft = () -> 200_000;
        DataFileException c = assertThrows(DataFileException.class, () -> CsvReader.read(csv));
        assertTrue(c.getMessage().contains("more than the Java heap can hold"), c.getMessage());
        BoundedInput.heapLeft = realHeap;
        assertEquals(3000, CsvReader.read(csv).rows());
    }
}
