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
 *
 * <p>A model can also travel in memory: {@link #toBytes(Path)} packs a directory's files as they are into one byte array
 * (the Spark transformers ship models to executors so), and {@link #fromBytes} rebuilds the model from it with the same
 * checks, run by the same code, plus the packing's own.
 */
public final class ModelStore {
    private ModelStore() {}

    /** The weights in a saved model's directory (safetensors, PyTorch's layouts). */
    public static final String WEIGHTS_FILE = "model.safetensors";
    /** The kind, config, preprocessing and provenance in a saved model's directory. */
    public static final String CONFIG_FILE = "config.json";
    /** What was measured, in a saved model's directory. */
    public static final String METRICS_FILE = "metrics.json";
    /** The {@code format} of a config file, and the {@code format} metadata of its weights file. */
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
        /** Validates the fields; the image shape is copied. */
        public DataPreprocessing {
            if (dataset == null || dataset.isBlank()) throw new IllegalArgumentException("DataPreprocessing.dataset is blank");
            if (!SCALING_BYTES.equals(scaling) && !SCALING_NONE.equals(scaling)) {
                throw new IllegalArgumentException("DataPreprocessing.scaling must be \"" + SCALING_BYTES + "\" or \"" + SCALING_NONE + "\", got " + scaling);
            }
            if (binarization == null) throw new IllegalArgumentException("DataPreprocessing.binarization is required (NONE for real-valued data)");
            imageShape = imageShape == null ? null : imageShape.clone();
        }

        /** {@return a copy of the image shape, or null when rows are not images} */
        @Override
        public int[] imageShape() {
            return imageShape == null ? null : imageShape.clone();
        }
    }

    /**
     * The weights file a config belongs with.
     *
     * @param file       the weights file's name, inside the model's directory
     * @param sha256     its SHA-256, hexadecimal, checked on loading
     * @param parameters the model's number of parameters
     */
    public record Weights(String file, String sha256, long parameters) {}

    /**
     * The content of {@value #CONFIG_FILE}.
     *
     * @param format         always {@value #FORMAT}
     * @param formatVersion  the version of the weight layout (older ones are migrated on loading)
     * @param kind           the model kind's registered name
     * @param config         the kind's config record as JSON
     * @param preprocessing  what was done to the data before the model saw it
     * @param libraryVersion the Latent4j version that saved it
     * @param training       free-form (e.g. the trainer's provenance), or null
     * @param weights        the weights file and its checksum
     */
    public record ConfigFile(String format, int formatVersion, String kind, Json.Value config, DataPreprocessing preprocessing,
                             String libraryVersion, Json.Value training, Weights weights) {}

    /**
     * A loaded model with everything saved beside it.
     *
     * @param directory the model's directory
     * @param model     the model, its weights loaded
     * @param config    the config file as read
     * @param metrics   the metrics file (an empty object when there is none)
     */
    public record Saved(Path directory, LatentModel model, ConfigFile config, Json.Value metrics) {
        /** {@return what was done to the data before the model saw it: apply the same to new data} */
        public DataPreprocessing preprocessing() {
            return config.preprocessing();
        }
    }

    /** A saved model that cannot be read; the message names the directory, the file and what is wrong. */
    public static final class ModelStoreException extends IOException {
        /**
         * A saved model that cannot be read.
         *
         * @param message names the directory or file and what is wrong
         */
        public ModelStoreException(String message) {
            super(message);
        }

        /**
         * A saved model that cannot be read, found through another error.
         *
         * @param message names the directory or file and what is wrong
         * @param cause   the error behind it
         */
        public ModelStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@return the latent4j-core version of a released jar, or "development"} */
    public static String libraryVersion() {
        String v = ModelStore.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }

    /**
     * Writes the model into {@code directory} (created if needed; other files in it are kept).
     *
     * @param directory     the model's directory
     * @param model         the model to save
     * @param preprocessing what was done to the data before the model saw it (required)
     * @param training      free-form provenance of the training run, or null
     * @param metrics       what was measured (written as {@value #METRICS_FILE}); null writes an empty object
     * @throws IOException if a file cannot be written
     */
    public static void save(Path directory, LatentModel model, DataPreprocessing preprocessing, Json.Value training, Json.Value metrics)
            throws IOException {
        Map<String, byte[]> files = encode(model, preprocessing, training, metrics);
        Files.createDirectories(directory);
        // in the map's order: the weights first and the config, which names their checksum, last
        for (Map.Entry<String, byte[]> f : files.entrySet()) AtomicFiles.write(directory.resolve(f.getKey()), f.getValue());
    }

    /**
     * Reads the config and metrics and rebuilds the model with the saved weights; see the class comment for the checks.
     *
     * @param directory a directory {@link #save} wrote
     * @return the model and everything saved beside it
     * @throws ModelStoreException naming the directory or file and what is wrong
     */
    public static Saved load(Path directory) throws ModelStoreException {
        if (!Files.isDirectory(directory)) {
            throw new ModelStoreException(directory + ": " + (Files.exists(directory) ? "is not a directory" : "no such directory")
                    + "; a saved model is a directory holding " + CONFIG_FILE + " and " + WEIGHTS_FILE);
        }
        return load(new DirectoryFiles(directory), directory);
    }

    // ------------------------------------------------------------------ the model as bytes

    /** The first bytes of a model packed by {@link #toBytes}. */
    private static final byte[] PACKED_MAGIC = "LATENT4JMODEL\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The version of the packing itself (the files inside carry their own {@link #FORMAT_VERSION}). */
    private static final int PACKED_VERSION = 1;
    /** Bytes of the SHA-256 that ends a packed model. */
    private static final int DIGEST_BYTES = 32;

    /**
     * A saved model directory's files ({@value #CONFIG_FILE}, the weights file it names, {@value #METRICS_FILE}) packed
     * into one byte array, for a model that travels in memory (to the executors of a cluster, into a database). The
     * files are packed as they are, so {@link #fromBytes} checks exactly what {@link #load(Path)} checks.
     *
     * <p>Layout: the 14 ASCII bytes {@code LATENT4JMODEL\n}; a big-endian int, the packing's version (1); an int, the
     * number of files; per file its name (an unsigned short length and UTF-8 bytes) and its content (a long length
     * and the bytes); then the SHA-256 of everything before it. The digest catches any damage in transit, including
     * in the metrics that no other check reads.
     *
     * @param directory a directory {@link #save} wrote; it is loaded and checked first, so a damaged model is refused
     *                  here rather than on every executor
     * @return the packed model
     * @throws ModelStoreException if the directory is not a valid saved model or cannot be read
     */
    public static byte[] toBytes(Path directory) throws ModelStoreException {
        Saved checked = load(directory);
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : new String[] {CONFIG_FILE, checked.config().weights().file(), METRICS_FILE}) {
            Path file = directory.resolve(name);
            if (name.equals(METRICS_FILE) && !Files.exists(file)) continue;
            try {
                files.put(name, Files.readAllBytes(file));
            } catch (IOException e) {
                throw new ModelStoreException(file + ": cannot be read (" + e.getMessage() + ")", e);
            }
        }
        return pack(files);
    }

    /**
     * The model packed as {@link #toBytes(Path)} packs a directory that {@link #save} wrote with these arguments.
     *
     * @param model         the model
     * @param preprocessing what was done to the data before the model saw it (required)
     * @param training      free-form provenance, or null
     * @param metrics       what was measured, or null for an empty object
     * @return the packed model
     */
    public static byte[] toBytes(LatentModel model, DataPreprocessing preprocessing, Json.Value training, Json.Value metrics) {
        Map<String, byte[]> files = encode(model, preprocessing, training, metrics);
        // the order toBytes(Path) packs a directory in, so that both give the same bytes
        Map<String, byte[]> ordered = new LinkedHashMap<>();
        ordered.put(CONFIG_FILE, files.get(CONFIG_FILE));
        ordered.put(WEIGHTS_FILE, files.get(WEIGHTS_FILE));
        ordered.put(METRICS_FILE, files.get(METRICS_FILE));
        return pack(ordered);
    }

    /**
     * Rebuilds a model packed by {@link #toBytes}, with every check of {@link #load(Path)} and the packing's own.
     *
     * @param bytes  a packed model
     * @param origin where the bytes came from, for messages (e.g. a path or "broadcast")
     * @return the model and everything saved with it; {@link Saved#directory()} is null
     * @throws ModelStoreException naming the origin, the file inside and what is wrong
     */
    public static Saved fromBytes(byte[] bytes, String origin) throws ModelStoreException {
        return load(new PackedFiles(origin, unpack(bytes, origin)), null);
    }

    /**
     * {@return the SHA-256 that ends a packed model, hexadecimal: a name for its content (two packed models with the
     * same digest hold the same files)} The packing is not checked here; {@link #fromBytes} checks it.
     *
     * @param bytes a packed model
     */
    public static String packedDigest(byte[] bytes) {
        if (bytes.length < DIGEST_BYTES) throw new IllegalArgumentException("a packed model has at least " + DIGEST_BYTES + " bytes, got " + bytes.length);
        return HexFormat.of().formatHex(bytes, bytes.length - DIGEST_BYTES, bytes.length);
    }

    /** The three files {@link #save} writes, as bytes: the config last, with the SHA-256 of the weights it belongs with. */
    private static Map<String, byte[]> encode(LatentModel model, DataPreprocessing preprocessing, Json.Value training, Json.Value metrics) {
        if (preprocessing == null) throw new IllegalArgumentException("ModelStore.save: the data preprocessing is required");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("kind", model.kind());
        byte[] weights = Safetensors.toBytes(model.namedState(), metadata);
        ConfigFile config = new ConfigFile(FORMAT, FORMAT_VERSION, model.kind(), Json.toJson(model.config()), preprocessing, libraryVersion(),
                training, new Weights(WEIGHTS_FILE, sha256(weights), model.parameterCount()));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(WEIGHTS_FILE, weights);
        files.put(METRICS_FILE, Json.fileBytes(metrics == null ? new Json.Obj(Map.of()) : metrics));
        files.put(CONFIG_FILE, Json.fileBytes(Json.toJson(config)));
        return files;
    }

    private static byte[] pack(Map<String, byte[]> files) {
        byte[] body = AtomicFiles.inMemory(stream -> {
            java.io.DataOutputStream out = new java.io.DataOutputStream(stream);
            out.write(PACKED_MAGIC);
            out.writeInt(PACKED_VERSION);
            out.writeInt(files.size());
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                byte[] name = f.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeShort(name.length);
                out.write(name);
                out.writeLong(f.getValue().length);
                out.write(f.getValue());
            }
            out.flush();
        });
        byte[] digest = digest().digest(body);
        byte[] out = java.util.Arrays.copyOf(body, body.length + DIGEST_BYTES);
        System.arraycopy(digest, 0, out, body.length, DIGEST_BYTES);
        return out;
    }

    /** The files of a packed model, each a view of {@code bytes}, after checking the layout and the digest. */
    private static Map<String, java.nio.ByteBuffer> unpack(byte[] bytes, String origin) throws ModelStoreException {
        String packed = " (a packed Latent4j model: ModelStore.toBytes)";
        if (bytes == null) throw new ModelStoreException(origin + ": no bytes" + packed);
        if (bytes.length < PACKED_MAGIC.length + 8 + DIGEST_BYTES
                || !java.util.Arrays.equals(bytes, 0, PACKED_MAGIC.length, PACKED_MAGIC, 0, PACKED_MAGIC.length)) {
            throw new ModelStoreException(origin + ": " + bytes.length + " bytes that do not start as a packed Latent4j model does (ModelStore.toBytes)");
        }
        int bodyLength = bytes.length - DIGEST_BYTES;
        MessageDigest check = digest();
        check.update(bytes, 0, bodyLength);
        byte[] sum = check.digest();
        if (!java.util.Arrays.equals(sum, 0, DIGEST_BYTES, bytes, bodyLength, bytes.length)) {
            throw new ModelStoreException(origin + ": its SHA-256 does not match the one it ends with; the bytes were truncated or damaged" + packed);
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes, 0, bodyLength);
        in.position(PACKED_MAGIC.length);
        int version = in.getInt();
        if (version != PACKED_VERSION) {
            throw new ModelStoreException(origin + ": packing version " + version + "; this Latent4j reads version " + PACKED_VERSION + packed);
        }
        int count = in.getInt();
        if (count < 1 || count > 16) throw new ModelStoreException(origin + ": claims " + count + " files; a packed model holds 1 to 16" + packed);
        Map<String, java.nio.ByteBuffer> files = new LinkedHashMap<>();
        for (int f = 0; f < count; f++) {
            if (in.remaining() < 2) throw new ModelStoreException(origin + ": ends inside the name of file " + (f + 1) + " of " + count + packed);
            int nameLength = Short.toUnsignedInt(in.getShort());
            if (in.remaining() < nameLength + 8L) throw new ModelStoreException(origin + ": ends inside the name of file " + (f + 1) + " of " + count + packed);
            byte[] name = new byte[nameLength];
            in.get(name);
            String fileName = new String(name, java.nio.charset.StandardCharsets.UTF_8);
            long length = in.getLong();
            if (length < 0 || length > in.remaining()) {
                throw new ModelStoreException(origin + ": file " + fileName + " claims " + length + " bytes but only " + in.remaining() + " follow" + packed);
            }
            if (files.containsKey(fileName)) throw new ModelStoreException(origin + ": holds file " + fileName + " twice" + packed);
            files.put(fileName, in.slice(in.position(), (int) length));
            in.position(in.position() + (int) length);
        }
        if (in.hasRemaining()) throw new ModelStoreException(origin + ": " + in.remaining() + " bytes after its last file belong to none" + packed);
        return files;
    }

    /** Where {@link #load(ModelFiles, Path)} finds the files of a saved model. */
    private interface ModelFiles {
        /** {@return the name of a file in messages} */
        String where(String file);

        /** {@return the content of a file}; a NoSuchFileException when there is none */
        byte[] read(String file) throws IOException;

        boolean exists(String file);

        /** {@return the weights file, open and validated} */
        Safetensors.Reader openWeights(String file) throws IOException;

        String sha256(String file) throws IOException;
    }

    private record DirectoryFiles(Path directory) implements ModelFiles {
        @Override
        public String where(String file) {
            return directory.resolve(file).toString();
        }

        @Override
        public byte[] read(String file) throws IOException {
            return Files.readAllBytes(directory.resolve(file));
        }

        @Override
        public boolean exists(String file) {
            return Files.exists(directory.resolve(file));
        }

        @Override
        public Safetensors.Reader openWeights(String file) throws IOException {
            return Safetensors.open(directory.resolve(file));
        }

        @Override
        public String sha256(String file) throws IOException {
            return ModelStore.sha256(directory.resolve(file));
        }
    }

    private record PackedFiles(String origin, Map<String, java.nio.ByteBuffer> files) implements ModelFiles {
        @Override
        public String where(String file) {
            return file.isEmpty() ? origin : origin + "!" + file;
        }

        private java.nio.ByteBuffer get(String file) throws NoSuchFileException {
            java.nio.ByteBuffer b = files.get(file);
            if (b == null) throw new NoSuchFileException(where(file));
            return b.duplicate();
        }

        @Override
        public byte[] read(String file) throws IOException {
            java.nio.ByteBuffer b = get(file);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }

        @Override
        public boolean exists(String file) {
            return files.containsKey(file);
        }

        @Override
        public Safetensors.Reader openWeights(String file) throws IOException {
            java.nio.ByteBuffer b = get(file);
            return Safetensors.open(java.lang.foreign.MemorySegment.ofBuffer(b), where(file));
        }

        @Override
        public String sha256(String file) throws IOException {
            MessageDigest d = digest();
            d.update(get(file));
            return HexFormat.of().formatHex(d.digest());
        }
    }

    /** The checks and the rebuilding that a directory and a packed model share. */
    private static Saved load(ModelFiles files, Path directory) throws ModelStoreException {
        String configPath = files.where(CONFIG_FILE);
        ConfigFile config = readConfig(files, directory == null ? files.where("") : directory.toString(), configPath);
        LatentModel model;
        try {
            ModelKind<?> kind = ModelKinds.get(config.kind());
            Record modelConfig = Json.fromJson(config.config(), kind.configType(), configPath + ": config");
            model = kind.createFrom(modelConfig, new Rng(0));
        } catch (IllegalArgumentException e) {
            throw new ModelStoreException(oneLine(e.getMessage().startsWith(configPath) ? e.getMessage() : configPath + ": " + e.getMessage()), e);
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
        String weightsPath = files.where(config.weights().file());
        Map<String, Tensor> values;
        try (Safetensors.Reader reader = files.openWeights(config.weights().file())) {
            reader.checkAgainst(WeightLayout.storedShapes(model, model.namedState(), config.formatVersion()));
            values = WeightLayout.upgrade(model, reader.readAll(), config.formatVersion());
        } catch (NoSuchFileException e) {
            throw new ModelStoreException(weightsPath + ": no such file; " + configPath + " names it as the model's weights", e);
        } catch (IOException | RuntimeException e) {
            throw new ModelStoreException(oneLine(e.getMessage().startsWith(weightsPath) ? e.getMessage() : weightsPath + ": " + e.getMessage()), e);
        }
        String sum;
        try {
            sum = files.sha256(config.weights().file());
        } catch (IOException e) {
            throw new ModelStoreException(weightsPath + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (!sum.equals(config.weights().sha256())) {
            throw new ModelStoreException(weightsPath + ": its SHA-256 is " + sum + " but " + configPath + " was saved with weights of SHA-256 "
                    + config.weights().sha256() + "; the weights were replaced or damaged after saving, or the save was interrupted");
        }
        model.loadState(values);
        String metricsPath = files.where(METRICS_FILE);
        Json.Value metrics;
        try {
            metrics = files.exists(METRICS_FILE) ? Json.parseFile(files.read(METRICS_FILE), metricsPath) : new Json.Obj(Map.of());
        } catch (IOException | JsonException e) {
            throw new ModelStoreException(oneLine(e.getMessage()), e);
        }
        return new Saved(directory, model, config, metrics);
    }

    private static ConfigFile readConfig(ModelFiles files, String directory, String configPath) throws ModelStoreException {
        Json.Value root;
        try {
            root = Json.parseFile(files.read(CONFIG_FILE), configPath);
        } catch (NoSuchFileException e) {
            throw new ModelStoreException(directory + ": holds no " + CONFIG_FILE + ", so it is not a saved Latent4j model", e);
        } catch (IOException e) {
            throw new ModelStoreException(configPath + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (JsonException e) {
            throw new ModelStoreException(oneLine(e.getMessage()), e);
        }
        Json.Cursor c = Json.at(root, configPath);
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

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
