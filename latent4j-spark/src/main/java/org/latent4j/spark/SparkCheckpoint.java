package org.latent4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.latent4j.core.io.Json;
import org.latent4j.core.io.Safetensors;
import org.latent4j.tensor.Tensor;

/**
 * Checkpoints of a {@link LatentTrainer} run in a directory of any Hadoop-compatible file system. Each checkpoint is a
 * directory {@code step-<step>} holding the model's weights and buffers ({@value #MODEL_FILE}), the optimizer's state
 * ({@value #OPTIMIZER_FILE}) and where the run is ({@value #STATE_FILE}). It is written under a temporary name and renamed
 * into place, the one operation every Hadoop file system makes atomic for a directory; only then are older checkpoints
 * deleted. A reader takes the complete checkpoint of the highest step, so a driver killed at any moment leaves either the
 * new checkpoint or the previous one, never a mix.
 */
final class SparkCheckpoint {
    static final String MODEL_FILE = "model.safetensors";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String STATE_FILE = "state.json";
    private static final String PREFIX = "step-";
    private static final String TEMPORARY_PREFIX = "_incomplete-";

    /**
     * Where a run is at a checkpoint.
     *
     * @param epoch              the epoch in progress (0-based)
     * @param batchInEpoch       the batches of it already done
     * @param step               global steps done
     * @param kind               the model's kind
     * @param config             its config
     * @param reproducibilityKey the settings a resume must share
     * @param shardRows          the rows of each replica's shard (a resume must see the same data)
     * @param optimizerCounters  the optimizer's counters
     * @param history            the finished epochs
     * @param partial            the sums of the epoch in progress
     */
    record State(@Json.Required int epoch, @Json.Required int batchInEpoch, @Json.Required long step, @Json.Required String kind,
                 @Json.Required Json.Value config, @Json.Required String reproducibilityKey, @Json.Required List<Integer> shardRows,
                 @Json.Required Map<String, Long> optimizerCounters, @Json.Required List<DataParallelEpoch> history,
                 @Json.Required EpochTotals partial) {}

    /** Running sums of an epoch in progress; loss terms and metrics weighted by rows. */
    record EpochTotals(@Json.Required double loss, @Json.Required double reconstruction, @Json.Required double regularization,
                       @Json.Required long rows, @Json.Required Map<String, Double> metrics, @Json.Required double computeSeconds,
                       @Json.Required double communicationSeconds, @Json.Required double driverSeconds, @Json.Required int steps,
                       @Json.Required double seconds) {
        static final EpochTotals EMPTY = new EpochTotals(0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0);
    }

    /**
     * A checkpoint as read.
     *
     * @param state     where the run was
     * @param model     the model's weights and buffers
     * @param optimizer the optimizer's tensors
     * @param location  the checkpoint's directory, for messages
     */
    record Saved(State state, Map<String, Tensor> model, Map<String, Tensor> optimizer, String location) {}

    private final FileSystem fs;
    private final Path directory;

    SparkCheckpoint(String directory, Configuration conf) {
        try {
            this.directory = new Path(directory);
            this.fs = this.directory.getFileSystem(conf);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("LatentTrainer: cannot open the checkpoint directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** {@return the complete checkpoint of the highest step, if any} */
    Optional<Saved> latest() {
        Path newest;
        try {
            if (!fs.exists(directory)) return Optional.empty();
            newest = null;
            long best = -1;
            for (FileStatus s : fs.listStatus(directory)) {
                String name = s.getPath().getName();
                if (!s.isDirectory() || !name.startsWith(PREFIX)) continue;
                long step;
                try {
                    step = Long.parseLong(name.substring(PREFIX.length()));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (step > best) {
                    best = step;
                    newest = s.getPath();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("LatentTrainer: cannot list the checkpoint directory " + directory, e);
        }
        if (newest == null) return Optional.empty();
        try {
            Map<String, byte[]> files = new java.util.HashMap<>();
            for (String f : List.of(MODEL_FILE, OPTIMIZER_FILE, STATE_FILE)) {
                Path remote = new Path(newest, f);
                if (!fs.exists(remote)) throw new IllegalArgumentException("LatentTrainer: the checkpoint " + newest + " has no " + f);
                try (var in = fs.open(remote)) {
                    files.put(f, in.readAllBytes());
                }
            }
            String where = new Path(newest, STATE_FILE).toString();
            State state = Json.fromJson(Json.parseFile(files.get(STATE_FILE), where), State.class, where);
            return Optional.of(new Saved(state, tensors(files, newest, MODEL_FILE), tensors(files, newest, OPTIMIZER_FILE), newest.toString()));
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().startsWith("LatentTrainer:")) throw iae;
            throw new IllegalArgumentException("LatentTrainer: the checkpoint " + newest + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Map<String, Tensor> tensors(Map<String, byte[]> files, Path checkpoint, String file) throws IOException {
        try (Safetensors.Reader reader = Safetensors.open(files.get(file), new Path(checkpoint, file).toString())) {
            return reader.readAll();
        }
    }

    /**
     * Writes a checkpoint and, once it is in place, deletes the older ones.
     *
     * @param state     where the run is
     * @param model     the model's weights and buffers
     * @param optimizer the optimizer's tensors
     * @return the checkpoint's directory
     */
    String write(State state, Map<String, Tensor> model, Map<String, Tensor> optimizer) {
        String name = PREFIX + String.format("%012d", state.step());
        Path target = new Path(directory, name);
        Path temporary = new Path(directory, TEMPORARY_PREFIX + name + "-" + java.util.UUID.randomUUID());
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put(MODEL_FILE, Safetensors.toBytes(model, Map.of("format", "latent4j-spark-checkpoint")));
        files.put(OPTIMIZER_FILE, Safetensors.toBytes(optimizer, null));
        files.put(STATE_FILE, Json.fileBytes(Json.toJson(state)));
        try {
            fs.mkdirs(temporary);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                try (var out = fs.create(new Path(temporary, f.getKey()), true)) {
                    out.write(f.getValue());
                }
            }
            // a checkpoint of this step already there (a run resumed at it and checkpointed again) holds the same state
            if (fs.exists(target)) fs.delete(target, true);
            if (!fs.rename(temporary, target)) throw new IOException("renaming " + temporary + " to " + target + " failed");
            List<FileStatus> older = new ArrayList<>();
            for (FileStatus s : fs.listStatus(directory)) {
                String n = s.getPath().getName();
                if ((n.startsWith(PREFIX) && n.compareTo(name) < 0) || (n.startsWith(TEMPORARY_PREFIX) && !s.getPath().equals(temporary))) older.add(s);
            }
            older.sort(Comparator.comparing(s -> s.getPath().getName()));
            for (FileStatus s : older) fs.delete(s.getPath(), true);
            return target.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("LatentTrainer: cannot write the checkpoint " + target + " (the previous one is kept)", e);
        }
    }
}
