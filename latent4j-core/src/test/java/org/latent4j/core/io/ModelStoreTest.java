package org.latent4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Dataset;
import org.latent4j.core.data.Standardizer;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.io.ModelStore.DataPreprocessing;
import org.latent4j.core.io.ModelStore.ModelStoreException;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.vae.ConditionalVaeConfig;
import org.latent4j.core.model.hvae.HierarchicalVaeConfig;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.vae.Vae;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.core.train.TrainingListener;
import org.latent4j.core.train.TrainingResult;
import org.latent4j.tensor.kernel.Kernels;
import org.latent4j.tensor.parallel.Parallel;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

class ModelStoreTest {
    private static final int D = 12;

    private static Record smallConfig(String kind) {
        VaeConfig vae = VaeConfig.of(D, 3).withHidden(List.of(5));
        return switch (kind) {
            case "ae" -> AutoencoderConfig.of(D, 3).withHidden(List.of(5));
            case "vae", "iwae" -> vae.withSamples(2);
            // a learned Gaussian likelihood adds a parameter outside the networks
            case "beta-vae" -> vae.withBeta(4).withLikelihood(LikelihoodKind.GAUSSIAN_LEARNED);
            case "cvae" -> new ConditionalVaeConfig(vae, 4);
            case "hvae" -> HierarchicalVaeConfig.of(D).withSizes(4, 2, List.of(6), List.of(3));
            default -> throw new AssertionError(kind);
        };
    }

    private static DataPreprocessing preprocessing() {
        float[] mean = new float[D], scale = new float[D];
        for (int i = 0; i < D; i++) {
            mean[i] = 0.1f * i;
            scale[i] = 1f + i;
        }
        return new DataPreprocessing("synthetic/train", new int[] {3, 4}, ModelStore.SCALING_BYTES, new Standardizer(mean, scale), Binarization.DYNAMIC);
    }

    private static Path saveSmall(Path dir, String kind) throws IOException {
        LatentModel model = ModelKinds.get(kind).createFrom(smallConfig(kind), new Rng(7));
        Json.Value metrics = Json.parse("{\"nll\": 91.5}");
        ModelStore.save(dir, model, preprocessing(), Json.parse("{\"epochs\": 3}"), metrics);
        return dir;
    }

    private static Tensor condition(LatentModel model, int rows) {
        if (!model.kind().equals("cvae")) return null;
        float[] c = new float[rows * 4];
        for (int i = 0; i < rows; i++) c[i * 4 + i % 4] = 1f;
        return Tensor.of(c, rows, 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ae", "vae", "beta-vae", "iwae", "cvae", "hvae"})
    void saveThenLoadGivesBitIdenticalEncodeAndDecode(String kind, @TempDir Path dir) throws IOException {
        LatentModel original = ModelKinds.get(kind).createFrom(smallConfig(kind), new Rng(7));
        ModelStore.save(dir, original, preprocessing(), null, null);
        ModelStore.Saved saved = ModelStore.load(dir);
        LatentModel loaded = saved.model();
        assertEquals(kind, loaded.kind());
        assertEquals(original.config(), loaded.config());

        // A fresh model from another seed differs, so equal outputs below mean the weights were loaded.
        LatentModel other = ModelKinds.get(kind).createFrom(smallConfig(kind), new Rng(0));
        Tensor x = new Rng(3).uniform(0f, 1f, 5, D);
        Tensor z = new Rng(4).normal(0f, 1f, 5, original.latentDim());
        Tensor c = condition(original, 5);
        assertArrayEquals(original.decode(z, c).toArray(), loaded.decode(z, c).toArray());
        assertFalse(java.util.Arrays.equals(original.decode(z, c).toArray(), other.decode(z, c).toArray()));
        LatentCode qa = original.encode(x, c), qb = loaded.encode(x, c);
        assertArrayEquals(qa.vector().toArray(), qb.vector().toArray());
        if (qa instanceof LatentCode.Gaussian ga) {
            assertArrayEquals(ga.posterior().logVar().toArray(), ((LatentCode.Gaussian) qb).posterior().logVar().toArray());
        }
        for (var e : original.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().toArray(), loaded.namedParameters().get(e.getKey()).toArray(), e.getKey());
        }
    }

    @Test
    void preprocessingMetricsAndProvenanceRoundTrip(@TempDir Path dir) throws IOException {
        saveSmall(dir, "vae");
        ModelStore.Saved saved = ModelStore.load(dir);
        DataPreprocessing p = saved.preprocessing();
        assertEquals(preprocessing().standardizer(), p.standardizer());
        assertArrayEquals(new int[] {3, 4}, p.imageShape());
        assertEquals(Binarization.DYNAMIC, p.binarization());
        assertEquals(ModelStore.SCALING_BYTES, p.scaling());
        assertEquals("synthetic/train", p.dataset());
        assertEquals(91.5, Json.at(saved.metrics(), "m").get("nll").asDouble());
        assertEquals(3, Json.at(saved.config().training(), "t").get("epochs").asInt());
        assertEquals(ModelStore.FORMAT, saved.config().format());
        assertEquals(saved.model().parameterCount(), saved.config().weights().parameters());
    }

    @Test
    void configRecordsTheLibraryVersionAndTheTrainingProvenance(@TempDir Path dir) throws IOException, URISyntaxException {
        Vae model = new Vae(VaeConfig.of(D, 2).withHidden(List.of(5)), new Rng(7));
        Dataset data = Dataset.unlabeled("toy", new Rng(8).uniform(0f, 1f, 40, D));
        TrainerOptions options = TrainerOptions.defaults().withEpochs(2).withBatchSize(10).withSeed(11).withBinarization(Binarization.DYNAMIC);
        TrainingResult result = Trainer.fit(model, data, null, options, null, TrainingListener.NONE);
        ModelStore.save(dir, model, preprocessing(), Json.toJson(result), null);

        Json.Cursor config = Json.at(Json.readFile(dir.resolve(ModelStore.CONFIG_FILE)), "config.json");
        String version = config.get("libraryVersion").asString();
        assertFalse(version.isBlank());
        assertEquals(ModelStore.libraryVersion(), version);
        // run from compiled classes, as here, rather than from the jar whose manifest gives the version
        if (Files.isDirectory(Path.of(ModelStore.class.getProtectionDomain().getCodeSource().getLocation().toURI()))) {
            assertEquals("development", version);
        }
        assertEquals(version, ModelStore.load(dir).config().libraryVersion());

        Json.Cursor p = config.get("training").get("provenance");
        assertEquals(List.of("libraryVersion", "modelKind", "parameterCount", "seed", "options", "trainData", "validationData", "startTime",
                "endTime", "javaVersion", "kernels", "threads", "resumes"), List.copyOf(p.keys()));
        assertEquals(version, p.get("libraryVersion").asString());
        assertEquals("vae", p.get("modelKind").asString());
        assertEquals(model.parameterCount(), p.get("parameterCount").asLong());
        assertEquals(11, p.get("seed").asLong());
        assertEquals(2, p.get("options").get("epochs").asInt());
        assertEquals("DYNAMIC", p.get("options").get("binarization").asString());
        assertEquals("toy/train", p.get("trainData").asString());
        assertEquals("toy/validation", p.get("validationData").asString());
        Instant start = Instant.parse(p.get("startTime").asString()), end = Instant.parse(p.get("endTime").asString());
        assertFalse(end.isBefore(start));
        assertEquals(Runtime.version().toString(), p.get("javaVersion").asString());
        assertEquals(Kernels.describe(), p.get("kernels").asString());
        assertEquals(Parallel.threads(), p.get("threads").asInt());
        assertEquals(0, p.get("resumes").asInt());
        assertEquals(2, config.get("training").get("history").size());
    }

    private static String failure(Path dir) {
        ModelStoreException e = assertThrows(ModelStoreException.class, () -> ModelStore.load(dir));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void missingDirectoryAndMissingFiles(@TempDir Path tmp) throws IOException {
        assertTrue(failure(tmp.resolve("nope")).contains("no such directory"));
        assertTrue(failure(tmp).contains("holds no config.json"));
        Path dir = saveSmall(tmp.resolve("m"), "vae");
        Files.delete(dir.resolve(ModelStore.WEIGHTS_FILE));
        String m = failure(dir);
        assertTrue(m.contains("model.safetensors: no such file"), m);
    }

    @Test
    void badJsonNamesFileLineAndColumn(@TempDir Path tmp) throws IOException {
        Path dir = saveSmall(tmp, "vae");
        Path config = dir.resolve(ModelStore.CONFIG_FILE);
        String text = Files.readString(config);
        Files.writeString(config, text.substring(0, text.length() / 2));
        String m = failure(dir);
        assertTrue(m.startsWith(config.toString()), m);
        assertTrue(m.contains("line"), m);
    }

    @Test
    void invalidConfigValuesNameTheKey(@TempDir Path tmp) throws IOException {
        Path dir = saveSmall(tmp, "vae");
        Path config = dir.resolve(ModelStore.CONFIG_FILE);
        String text = Files.readString(config);
        Files.writeString(config, text.replace("\"kind\": \"vae\"", "\"kind\": \"gan\""));
        String m = failure(dir);
        assertTrue(m.contains("kind") && m.contains("gan") && m.contains("one of ae, vae"), m);

        Files.writeString(config, text.replace("\"latentDim\": 3", "\"latentDim\": -3"));
        m = failure(dir);
        assertTrue(m.contains("latentDim"), m);

        Files.writeString(config, text.replace("\"format\": \"latent4j-model\"", "\"format\": \"other\""));
        m = failure(dir);
        assertTrue(m.contains("not a Latent4j model config"), m);
    }

    @Test
    void lyingHeaderIsReported(@TempDir Path tmp) throws IOException {
        Path dir = saveSmall(tmp, "vae");
        Path weights = dir.resolve(ModelStore.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[0] = (byte) (bytes[0] + 8); // the header now claims 8 bytes more than it has: it swallows tensor data
        Files.write(weights, bytes);
        String m = failure(dir);
        assertTrue(m.startsWith(weights.toString()), m);
        assertTrue(m.contains("header") || m.contains("JSON") || m.contains("json"), m);
    }

    @Test
    void mismatchedTensorsAreListed(@TempDir Path tmp) throws IOException {
        Path dir = saveSmall(tmp, "vae");
        Path weights = dir.resolve(ModelStore.WEIGHTS_FILE);
        Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(weights));
        String first = tensors.keySet().iterator().next();
        tensors.put(first, Tensor.zeros(2, 2));
        tensors.put("extra.weight", Tensor.zeros(1));
        Safetensors.write(weights, tensors, null);
        String m = failure(dir);
        assertTrue(m.contains("shape: " + first) && m.contains("unexpected: extra.weight"), m);
    }

    @Test
    void weightsChangedAfterSavingFailTheChecksum(@TempDir Path tmp) throws IOException {
        Path dir = saveSmall(tmp, "vae");
        Path weights = dir.resolve(ModelStore.WEIGHTS_FILE);
        Map<String, Tensor> tensors = new LinkedHashMap<>(Safetensors.read(weights));
        String first = tensors.keySet().iterator().next();
        float[] v = tensors.get(first).toArray();
        v[0] += 1f;
        tensors.put(first, Tensor.of(v, tensors.get(first).shape()));
        Safetensors.write(weights, tensors, null);
        String m = failure(dir);
        assertTrue(m.contains("SHA-256"), m);
        assertNotEquals(-1, m.indexOf("replaced or damaged"));
    }
}
