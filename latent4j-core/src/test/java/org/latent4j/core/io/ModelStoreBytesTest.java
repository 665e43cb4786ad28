package org.latent4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.io.ModelStore.DataPreprocessing;
import org.latent4j.core.io.ModelStore.ModelStoreException;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** The model packed into bytes ({@link ModelStore#toBytes}) and rebuilt ({@link ModelStore#fromBytes}) with the directory's checks. */
class ModelStoreBytesTest {
    private static final int D = 12;

    private static LatentModel model() {
        return ModelKinds.get("vae").createFrom(VaeConfig.of(D, 3).withHidden(List.of(5)), new Rng(7));
    }

    private static DataPreprocessing preprocessing() {
        return new DataPreprocessing("synthetic", null, ModelStore.SCALING_NONE, null, Binarization.NONE);
    }

    private static byte[] packed() {
        return ModelStore.toBytes(model(), preprocessing(), Json.parse("{\"epochs\": 3}"), Json.parse("{\"nll\": 91.5}"));
    }

    private static String failure(byte[] bytes) {
        return assertThrows(ModelStoreException.class, () -> ModelStore.fromBytes(bytes, "test-bytes")).getMessage();
    }

    /** The packing's trailing SHA-256 made right again, so that a change inside reaches the checks behind it. */
    private static byte[] redigest(byte[] bytes) throws Exception {
        byte[] out = bytes.clone();
        byte[] sum = MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOf(out, out.length - 32));
        System.arraycopy(sum, 0, out, out.length - 32, 32);
        return out;
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) if (haystack[i + j] != n[j]) continue outer;
            return i;
        }
        throw new AssertionError(needle + " not found");
    }

    /** Where the length of a packed file's content starts: after its name, which its 2-byte length precedes. */
    private static int lengthOf(byte[] packed, String file) {
        return indexOf(packed, (char) 0 + String.valueOf((char) file.length()) + file) + 2 + file.length();
    }

    @Test
    void roundTripGivesBitIdenticalOutputsAndTheDirectoryPacksToTheSameBytes(@TempDir Path dir) throws IOException {
        LatentModel original = model();
        ModelStore.save(dir, original, preprocessing(), Json.parse("{\"epochs\": 3}"), Json.parse("{\"nll\": 91.5}"));
        byte[] fromModel = packed();
        // one encoding: packing the saved directory gives the bytes that packing the model gives
        assertArrayEquals(fromModel, ModelStore.toBytes(dir));

        ModelStore.Saved saved = ModelStore.fromBytes(fromModel, "test-bytes");
        assertNull(saved.directory());
        assertEquals(original.config(), saved.model().config());
        assertEquals(Json.parse("{\"nll\": 91.5}"), saved.metrics());
        assertEquals(Json.parse("{\"epochs\": 3}"), saved.config().training());
        Tensor x = new Rng(3).uniform(0f, 1f, 6, D);
        Tensor z = new Rng(4).normal(0f, 1f, 6, 3);
        assertArrayEquals(original.decode(z, null).toArray(), saved.model().decode(z, null).toArray());
        LatentCode a = original.encode(x, null), b = saved.model().encode(x, null);
        assertArrayEquals(a.vector().toArray(), b.vector().toArray());
        assertArrayEquals(((LatentCode.Gaussian) a).posterior().logVar().toArray(), ((LatentCode.Gaussian) b).posterior().logVar().toArray());
        assertEquals(ModelStore.packedDigest(fromModel), ModelStore.packedDigest(ModelStore.toBytes(dir)));
    }

    @Test
    void truncatedBytesAreRefused() {
        byte[] full = packed();
        for (int length : new int[] {0, 5, 14, 30, full.length / 2, full.length - 33, full.length - 1}) {
            String m = failure(java.util.Arrays.copyOf(full, length));
            assertTrue(m.startsWith("test-bytes: "), m);
            assertTrue(m.contains("truncated") || m.contains("do not start as a packed Latent4j model"), length + ": " + m);
        }
    }

    @Test
    void everyFlippedByteIsRefused() {
        byte[] full = packed();
        // a flip in the magic, the file table, the config, the weights, the metrics and the digest itself
        int[] positions = {0, 15, 22, indexOf(full, "\"kind\"") + 2, indexOf(full, "\"nll\"") + 1, full.length / 2, full.length - 1};
        for (int at : positions) {
            byte[] damaged = full.clone();
            damaged[at] ^= 0x10;
            String m = failure(damaged);
            assertTrue(m.contains("SHA-256") || m.contains("do not start as"), at + ": " + m);
        }
    }

    @Test
    void aLyingLengthIsRefusedEvenWithAValidDigest() throws Exception {
        byte[] full = packed();
        // the weights file's 8-byte length
        int lengthAt = lengthOf(full, ModelStore.WEIGHTS_FILE);
        byte[] lying = full.clone();
        ByteBuffer.wrap(lying).putLong(lengthAt, ByteBuffer.wrap(full).getLong(lengthAt) + 1000);
        String m = failure(redigest(lying));
        assertTrue(m.contains("file " + ModelStore.WEIGHTS_FILE + " claims") && m.contains("bytes but only"), m);

        byte[] shorter = full.clone();
        ByteBuffer.wrap(shorter).putLong(lengthAt, ByteBuffer.wrap(full).getLong(lengthAt) - 8);
        m = failure(redigest(shorter));
        // the table then reads the weights' last bytes as the next file's name: the layout is refused before any content is read
        assertTrue(m.startsWith("test-bytes: ends inside the name of file 3 of 3"), m);
    }

    @Test
    void theDirectoryChecksRunOnPackedFilesToo() throws Exception {
        byte[] full = packed();
        // a weight changed and the packing's digest recomputed: the config's checksum of the weights still catches it
        int weightsAt = lengthOf(full, ModelStore.WEIGHTS_FILE) + 8;
        long weightsLength = ByteBuffer.wrap(full).getLong(weightsAt - 8);
        byte[] weight = full.clone();
        weight[(int) (weightsAt + weightsLength - 2)] ^= 0x01;
        String m = failure(redigest(weight));
        assertTrue(m.startsWith("test-bytes!" + ModelStore.WEIGHTS_FILE + ": its SHA-256 is"), m);

        // an unknown kind, named as the directory path names it
        byte[] kind = full.clone();
        int at = indexOf(kind, "\"kind\": \"vae\"") + "\"kind\": \"".length();
        kind[at] = 'x';
        m = failure(redigest(kind));
        assertTrue(m.startsWith("test-bytes!" + ModelStore.CONFIG_FILE) && m.contains("xae"), m);

        // a newer format version than this library reads
        byte[] version = full.clone();
        int v = indexOf(version, "\"formatVersion\": ") + "\"formatVersion\": ".length();
        version[v] = '9';
        m = failure(redigest(version));
        assertTrue(m.contains("newer than this Latent4j reads"), m);
    }

    @Test
    void aDamagedDirectoryIsRefusedWhenPacked(@TempDir Path dir) throws IOException {
        String m = assertThrows(ModelStoreException.class, () -> ModelStore.toBytes(dir.resolve("absent"))).getMessage();
        assertTrue(m.contains("no such directory"), m);
    }
}
