package org.latent4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.LossResult;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.model.StepContext;
import org.latent4j.core.model.TrainingData;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.core.train.OptimizerStep;
import org.latent4j.core.train.Trainer;
import org.latent4j.core.train.TrainerOptions;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.optim.Optimizer;
import org.latent4j.tensor.random.Rng;

/**
 * One process training with the N-times larger batch: every step's batch is the replicas' batches of that step
 * concatenated in partition order, run through the model's loss once, back-propagated and applied as {@link Trainer}
 * applies a step ({@link OptimizerStep}, with the trainer's own generators for the step). What a data-parallel run must
 * match.
 */
final class DataParallelReference {
    private DataParallelReference() {}

    /** The trained model and its mean loss per epoch. */
    record Result(LatentModel model, List<Double> epochLosses) {}

    /** The shards a data-parallel run cuts data of n rows into: contiguous blocks, as {@link BlockPartitioner} sends them. */
    static List<ReplicaShard> shards(float[] data, int n, int dim, int replicas) {
        BlockPartitioner partitioner = new BlockPartitioner(replicas, n);
        List<ReplicaShard> out = new ArrayList<>();
        int from = 0;
        for (int p = 0; p < replicas; p++) {
            int to = from;
            while (to < n && partitioner.getPartition((long) to) == p) to++;
            out.add(new ReplicaShard(p, from, to - from, dim, java.util.Arrays.copyOfRange(data, from * dim, to * dim)));
            from = to;
        }
        return out;
    }

    static Result train(String kind, Record config, TrainerOptions t, float[] data, int n, int dim, int replicas) {
        long seed = t.seed();
        LatentModel model = ModelKinds.get(kind).createFrom(config, new Rng(seed));
        Optimizer optimizer = t.optimizer().create(model.parameters());
        List<ReplicaShard> shards = shards(data, n, dim, replicas);
        model.initialise(sampleOf(shards, data, n, dim, seed), Trainer.initialisationStream(seed));
        int largest = 0;
        for (ReplicaShard s : shards) largest = Math.max(largest, s.rows());
        int stepsPerEpoch = Math.ceilDiv(largest, t.batchSize());
        Workspace workspace = new Workspace();
        List<Double> losses = new ArrayList<>();
        long step = 0;
        for (int epoch = 0; epoch < t.epochs(); epoch++) {
            double sum = 0;
            long rows = 0;
            for (int b = 0; b < stepsPerEpoch; b++) {
                List<float[]> parts = new ArrayList<>();
                int batchRows = 0;
                for (ReplicaShard s : shards) {
                    int[] pick = s.batchRows(seed, epoch, b, t.batchSize());
                    parts.add(s.gather(pick).toArray());
                    batchRows += pick.length;
                }
                float[] x = new float[batchRows * dim];
                int at = 0;
                for (float[] p : parts) {
                    System.arraycopy(p, 0, x, at, p.length);
                    at += p.length;
                }
                try (Workspace.Scope scope = workspace.open()) {
                    double rate = t.schedule().rate(epoch, step);
                    optimizer.setLearningRate(rate);
                    TrainingProgress progress = new TrainingProgress(epoch, step, stepsPerEpoch);
                    LossResult r = model.loss(Batch.of(Tensor.of(x, batchRows, dim)), progress, Trainer.modelStream(seed, step));
                    sum += r.loss().item() * batchRows;
                    rows += batchRows;
                    optimizer.zeroGrad();
                    r.loss().backward();
                    OptimizerStep.apply(model, optimizer, new StepContext(r, progress, Trainer.hookStream(seed, step), rate), t.gradientClipNorm());
                }
                step++;
            }
            losses.add(sum / rows);
        }
        return new Result(model, losses);
    }

    /** The initialisation data of a data-parallel run: the means of all rows, and each shard's share of a sample in partition order. */
    private static TrainingData sampleOf(List<ReplicaShard> shards, float[] data, int n, int dim, long seed) {
        Tensor all = Tensor.of(data, n, dim);
        return new TrainingData() {
            @Override
            public int rows() {
                return n;
            }

            @Override
            public float[] featureMeans() {
                double[] total = new double[dim];
                for (ReplicaShard s : shards) {
                    double[] sums = s.columnSums();
                    for (int j = 0; j < dim; j++) total[j] += sums[j];
                }
                float[] mean = new float[dim];
                for (int j = 0; j < dim; j++) mean[j] = (float) (total[j] / n);
                return mean;
            }

            @Override
            public Tensor sample(int maxRows) {
                int wanted = Math.min(maxRows, n);
                List<Float> values = new ArrayList<>();
                int rows = 0;
                for (ReplicaShard s : shards) {
                    float[] part = s.sample(seed, (int) Math.min(s.rows(), Math.ceilDiv((long) wanted * s.rows(), n)));
                    for (int i = 0; i < part.length / dim && rows < wanted; i++, rows++) {
                        for (int j = 0; j < dim; j++) values.add(part[i * dim + j]);
                    }
                }
                float[] x = new float[values.size()];
                for (int i = 0; i < x.length; i++) x[i] = values.get(i);
                return Tensor.of(x, rows, dim);
            }
        };
    }

    /** The model's weights and buffers as arrays, by name. */
    static Map<String, float[]> state(LatentModel model) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        model.namedState().forEach((name, t) -> out.put(name, t.contiguous().toArray()));
        return out;
    }
}
