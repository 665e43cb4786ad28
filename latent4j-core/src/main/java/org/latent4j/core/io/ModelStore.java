package org.latent4j.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.Standardizer;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.ModelKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A trained model on disk: a directory holding
 * <ul>
 *   <li>{@value #WEIGHTS_FILE}: the parameters and buffers by name ({@code Module.namedState()}), float32
 *       ({@link Safetensors}), in PyTorch's layout (see {@link WeightLayout});</li>
 *   <li>{@value #CONFIG_FILE}: the model kind and config record, the data preprocessing training applied
 *       (so that inference applies exactly the same), the library version, the training provenance, and the
 *       SHA-256 of the weights file;</li>
 *   <li>{@value #METRICS_FILE}: what the model measured (free-form JSON, e.g. an evaluation report).</li>
 * </ul>
 * The directory may hold other files (a training run keeps its history and images beside the model).
 *
 * <p>Each file is written atomically ({@link AtomicFiles}), weights first and config last. The config records
 * the checksum of the weights it belongs with, so a save interrupted between two files, or weights replaced
 * afterwards, are detected on load instead of silently pairing a config with other weights.
 *
 * <p>{@link #load} checks everything and fails with one {@link ModelStoreException} whose message names the
 * directory, the file and the problem: a missing file, invalid JSON or config, a corrupt safetensors header,
 * tensors whose names, shapes or dtypes do not fit the config, or a checksum mismatch.
 */
public final class ModelStore {
    private ModelStore() {}

    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";
    public static final String METRICS_FILE = "metrics.json";
    public static final String FORMAT = "latent4j-model";
    /** The version written; see {@link WeightLayout} for what changed between versions. Older directories load. */
    public static final int FORMAT_VERSION = WeightLayout.CURRENT;

    /** Byte intensities divided by 255 (as every Latent4j image loader does). */
    public static final String SCALING_BYTES = "bytes/255";
    /** Features used as read. */
    public static final String SCALING_NONE = "none";

    /**
     * What was done to the data before the model saw it, in this order: scaling, standardization, binarization.
     *
     * @param dataset      name of the training data (e.g. "fashion-mnist/test")
     * @param imageShape   the shape each row is a flattening of (e.g. [28, 28]), or null when rows are not images
     * @param scaling      {@link #SCALING_BYTES} or {@link #SCALING_NONE}
     * @param standardizer the per-feature standardization, or null
     * @param binarization how intensities became binary data (evaluation binarizes the same way)
     */
    public record DataPreprocessing(String dataset, int[] imageShape, String scaling, Standardizer standardizer, Binarization binarization) {
        public DataPreprocessing {
            if (dataset == null || dataset.isBlank()) throw new IllegalArgumentException("DataPreprocessing.dataset is blank");
            if (!SCALING_BYTES.equals(scaling) && !SCALING_NONE.equals(scaling)) {
                throw new IllegalArgumentException("DataPreprocessing.scaling must be \"" + SCALING_BYTES + "\" or \"" + SCALING_NONE + "\", got " + scaling);
            }
            if (binarization == null) throw new IllegalArgumentException("DataPreprocessing.binarization is required (NONE for real-valued data)");
            imageShape = imageShape == null ? null : imageShape.clone();
        }

        @Override
        public int[] imageShape() {
            return imageShape == null ? null : imageShape.clone();
        }
    }

    /** The weights file a config belongs with. */
    public record Weights(String file, String sha256, long parameters) {}

    /** The content of {@value #CONFIG_FILE}. {@code training} is free-form (e.g. the trainer's provenance), or null. */
    public record ConfigFile(String format, int formatVersion, String kind, Json.Value config, DataPreprocessing preprocessing,
                             String libraryVersion, Json.Value training, Weights weights) {}

    /** A loaded model with everything saved beside it. */
    public record Saved(Path directory, LatentModel model, ConfigFile config, Json.Value metrics) {
        public DataPreprocessing preprocessing() {
            return config.preprocessing();
        }
    }

    /** A saved model that cannot be read; the message names the directory, the file and what is wrong. */
    public static final class ModelStoreException extends IOException {
        public ModelStoreException(String message) {
            super(message);
        }

        public ModelStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The latent4j-core version of a released jar, or "development". */
    public static String libraryVersion() {
        String v = ModelStore.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /**
     * Writes the model into {@code directory} (created if needed; other files in it are kept).
     *
     * @param training free-form provenance of the training run, or null
     * @param metrics  what was measured (written as {@value #METRICS_FILE}); null writes an empty object
     */
    public static void save(Path directory, LatentModel model, DataPreprocessing preprocessing, Json.Value training, Json.Value metrics)
            throws IOException {
        if (preprocessing == null) throw new IllegalArgumentException("ModelStore.save: the data preprocessing is required");
        Files.createDirectories(directory);
        Path weights = directory.resolve(WEIGHTS_FILE);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("kind", model.kind());
        Safetensors.write(weights, model.namedState(), metadata);
        Json.writeFile(directory.resolve(METRICS_FILE), metrics == null ? new Json.Obj(Map.of()) : metrics);
        ConfigFile config = new ConfigFile(FORMAT, FORMAT_VERSION, model.kind(), Json.toJson(model.config()), preprocessing, libraryVersion(),
                training, new Weights(WEIGHTS_FILE, sha256(weights), model.parameterCount()));
        Json.writeFile(directory.resolve(CONFIG_FILE), Json.toJson(config));
    }

    /** Reads the config and metrics and rebuilds the model with the saved weights; see the class comment for the checks. */
    public static Saved load(Path directory) throws ModelStoreException {
        if (!Files.isDirectory(directory)) {
            throw new ModelStoreException(directory + ": " + (Files.exists(directory) ? "is not a directory" : "no such directory")
                    + "; a saved model is a directory holding " + CONFIG_FILE + " and " + WEIGHTS_FILE);
        }
        Path configPath = directory.resolve(CONFIG_FILE);
        ConfigFile config = readConfig(directory, configPath);
        LatentModel model;
        try {
            ModelKind<?> kind = ModelKinds.get(config.kind());
            Record modelConfig = Json.fromJson(config.config(), kind.configType(), configPath + ": config");
            model = kind.createFrom(modelConfig, new Rng(0));
        } catch (IllegalArgumentException e) {
            throw new ModelStoreException(oneLine(e.getMessage().startsWith(configPath.toString()) ? e.getMessage() : configPath + ": " + e.getMessage()), e);
        }
        int[] shape = config.preprocessing().imageShape();
        if (shape != null) {
            long pixels = 1;
            for (int d : shape) pixels = Math.min(Long.MAX_VALUE / 2, pixels * d);
            if (pixels != model.dataDim()) {
                throw new ModelStoreException(configPath + ": preprocessing.imageShape " + java.util.Arrays.toString(shape) + " holds " + pixels
                        + " values, but the model takes " + model.dataDim() + " features per row");
            }
        }
        Path weightsPath = directory.resolve(config.weights().file());
        Map<String, Tensor> values;
        try (Safetensors.Reader reader = Safetensors.open(weightsPath)) {
            reader.checkAgainst(WeightLayout.storedShapes(model, model.namedState(), config.formatVersion()));
            values = WeightLayout.upgrade(model, reader.readAll(), config.formatVersion());
        } catch (NoSuchFileException e) {
            throw new ModelStoreException(weightsPath + ": no such file; " + configPath + " names it as the model's weights", e);
        } catch (IOException | RuntimeException e) {
            throw new ModelStoreException(oneLine(e.getMessage().startsWith(weightsPath.toString()) ? e.getMessage() : weightsPath + ": " + e.getMessage()), e);
        }
        String sum;
        try {
            sum = sha256(weightsPath);
        } catch (IOException e) {
            throw new ModelStoreException(weightsPath + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (!sum.equals(config.weights().sha256())) {
            throw new ModelStoreException(weightsPath + ": its SHA-256 is " + sum + " but " + configPath + " was saved with weights of SHA-256 "
                    + config.weights().sha256() + "; the weights were replaced or damaged after saving, or the save was interrupted");
        }
        model.loadState(values);
        Path metricsPath = directory.resolve(METRICS_FILE);
        Json.Value metrics;
        try {
            metrics = Files.exists(metricsPath) ? Json.readFile(metricsPath) : new Json.Obj(Map.of());
        } catch (IOException | JsonException e) {
            throw new ModelStoreException(oneLine(e.getMessage()), e);
        }
        return new Saved(directory, model, config, metrics);
    }

    private static ConfigFile readConfig(Path directory, Path configPath) throws ModelStoreException {
        Json.Value root;
        try {
            root = Json.readFile(configPath);
        } catch (NoSuchFileException e) {
            throw new ModelStoreException(directory + ": holds no " + CONFIG_FILE + ", so it is not a saved Latent4j model", e);
        } catch (IOException e) {
            throw new ModelStoreException(configPath + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (JsonException e) {
            throw new ModelStoreException(oneLine(e.getMessage()), e);
        }
        Json.Cursor c = Json.at(root, configPath.toString());
        try {
            String format = c.get("format").asString();
            if (!FORMAT.equals(format)) throw c.get("format").fail("must be \"" + FORMAT + "\" (this is not a Latent4j model config), got \"" + format + "\"");
            int version = c.get("formatVersion").asInt();
            if (version > FORMAT_VERSION) {
                throw c.get("formatVersion").fail("is " + version + ", newer than this Latent4j reads (" + FORMAT_VERSION + "); upgrade Latent4j");
            }
            ConfigFile config = c.as(ConfigFile.class);
            if (config.kind() == null || !ModelKinds.contains(config.kind())) {
                throw c.get("kind").fail("must be one of " + String.join(", ", ModelKinds.names()) + ", got " + config.kind()
                        + " (a kind from another jar needs that jar on the class path)");
            }
            if (config.config() == null) throw c.get("config").fail("is required");
            if (config.preprocessing() == null) throw c.get("preprocessing").fail("is required");
            if (config.weights() == null || config.weights().file() == null || config.weights().sha256() == null) {
                throw c.get("weights").fail("must give the weights file and its sha256");
            }
            if (!insideDirectory(config.weights().file())) {
                throw c.get("weights").get("file").fail("must name a file inside the model's directory (a relative path without '..'), got \""
                        + config.weights().file() + "\"");
            }
            int[] shape = config.preprocessing().imageShape();
            if (shape != null) {
                for (int d : shape) {
                    if (d < 1) throw c.get("preprocessing").get("imageShape").fail("must hold positive sizes, got " + java.util.Arrays.toString(shape));
                }
            }
            return config;
        } catch (JsonException e) {
            throw new ModelStoreException(oneLine(e.getMessage()), e);
        }
    }

    /** Whether a weights file name stays inside the model's directory, so an edited config cannot read a file elsewhere. */
    private static boolean insideDirectory(String file) {
        Path p;
        try {
            p = Path.of(file);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
        if (file.isBlank() || p.isAbsolute() || p.getRoot() != null) return false;
        for (Path part : p) if (part.toString().equals("..")) return false;
        return true;
    }

    /** Multi-line problem lists (e.g. from {@link Safetensors.Reader#checkAgainst}) as one line. */
    private static String oneLine(String message) {
        return message.replace(":\n  ", ": ").replace("\n  ", "; ").replace('\n', ' ');
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
