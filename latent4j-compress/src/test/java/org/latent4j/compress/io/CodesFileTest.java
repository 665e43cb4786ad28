package org.latent4j.compress.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.compress.Compressor;
import org.latent4j.compress.Compressors;
import org.latent4j.compress.FitOptions;
import org.latent4j.compress.Metric;
import org.latent4j.core.data.DataFileException;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** The .l4jc file: round trips, and each kind of damage refused with one line naming the file. */
class CodesFileTest {
    @TempDir
    Path tmp;

    private final Tensor x = new Rng(9).normal(0f, 1f, 50, 12);

    private Path written(String spec) throws IOException {
        Compressor c = Compressors.fit(spec, x, FitOptions.defaults());
        Path f = tmp.resolve(spec + ".l4jc");
        CodesFile.write(f, c, Metric.INNER_PRODUCT, c.encode(x), 50);
        return f;
    }

    @Test
    void roundTripsTheCompressorAndItsCodes() throws IOException {
        for (String spec : new String[] {"SQ8", "SQ4", "BINC", "Flat"}) {
            Compressor c = Compressors.fit(spec, x, FitOptions.defaults());
            byte[] codes = c.encode(x);
            Path f = tmp.resolve(spec + ".l4jc");
            CodesFile.write(f, c, Metric.INNER_PRODUCT, codes, 50);
            CodesFile r = CodesFile.read(f);
            assertEquals(50, r.count());
            assertEquals(Metric.INNER_PRODUCT, r.metric());
            assertEquals(spec, r.compressor().token());
            assertArrayEquals(codes, r.codes());
            assertArrayEquals(codes, r.compressor().encode(x), spec + ": the reloaded compressor encodes the same");
            assertArrayEquals(c.decode(codes, 50).toArray(), r.compressor().decode(codes, 50).toArray());
        }
    }

    @Test
    void aModelFileHoldsNoCodes() throws IOException {
        Compressor c = Compressors.fit("SQ8", x, FitOptions.defaults());
        Path f = tmp.resolve("model.l4jc");
        CodesFile.writeModel(f, c);
        CodesFile r = CodesFile.read(f);
        assertEquals(0, r.count());
        assertEquals(0, r.codes().length);
        assertArrayEquals(c.encode(x), r.compressor().encode(x));
    }

    private static String refusal(Path f) {
        DataFileException e = assertThrows(DataFileException.class, () -> CodesFile.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.problem();
    }

    private static void put(Path f, byte[] b) throws IOException {
        Files.write(f, b);
    }

    /** The file with its header rewritten by {@code edit}, the header length and the checksum made consistent again. */
    private static byte[] withHeader(byte[] file, UnaryOperator<String> edit) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int h = b.getInt(12);
        String header = edit.apply(new String(file, 16, h, StandardCharsets.UTF_8));
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        int rest = file.length - 16 - h - 4;
        ByteBuffer out = ByteBuffer.allocate(16 + hb.length + rest + 4).order(ByteOrder.LITTLE_ENDIAN);
        out.put(file, 0, 12).putInt(hb.length).put(hb).put(file, 16 + h, rest);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    @Test
    void eachKindOfDamageIsOneClearLine() throws IOException {
        Path f = written("SQ8");
        byte[] good = Files.readAllBytes(f);

        byte[] b = good.clone();
        b[0] = 'X';
        put(f, b);
        assertTrue(refusal(f).contains("magic"));

        b = good.clone();
        b[8] = 9;
        put(f, b);
        assertTrue(refusal(f).contains("version 9"));

        b = good.clone();
        b[b.length - 20] ^= 1;
        put(f, b);
        assertTrue(refusal(f).contains("checksum"));

        put(f, Arrays.copyOf(good, good.length - 10));
        assertTrue(refusal(f).contains("truncated"));

        put(f, withHeader(good, s -> s.replace("\"count\":50", "\"count\":51")));
        assertTrue(refusal(f).contains("51 codes"));

        put(f, withHeader(good, s -> s.replace("\"count\":50", "\"count\":1099511627776")));
        assertTrue(refusal(f).contains("1099511627776 codes"));

        put(f, withHeader(good, s -> s.replace("\"shape\":[12]", "\"shape\":[1099511627]")));
        assertTrue(refusal(f).contains("truncated"));

        // same number of values, a shape the stage refuses
        put(f, withHeader(good, s -> s.replaceFirst("\"shape\":\\[12\\]", "\"shape\":[3,4]")));
        assertTrue(refusal(f).contains("cannot rebuild"));

        put(f, withHeader(good, s -> s.replace("\"kind\":\"SQ\"", "\"kind\":\"NOPE\"")));
        assertTrue(refusal(f).contains("unknown compressor kind 'NOPE'"));

        put(f, withHeader(good, s -> s.replace("\"codeSize\":12", "\"codeSize\":6")));
        assertTrue(refusal(f).contains("header"));

        put(f, Arrays.copyOf(good, 10));
        assertTrue(refusal(f).contains("too few"));

        put(f, withHeader(good, s -> s.substring(0, s.length() - 1)));
        assertTrue(refusal(f).contains("header is not valid"));
    }
}
