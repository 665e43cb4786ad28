package org.latent4j.core.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latent4j.core.io.Json;
import org.latent4j.core.model.Batch;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.model.TrainingProgress;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.Workspace;
import org.latent4j.tensor.random.Rng;

/**
 * The variance of a model's stochastic gradient, measured: at fixed parameters and a fixed batch, the gradient of
 * {@link LatentModel#loss} is drawn S times, each draw with its own random numbers (stream s of the generator given,
 * {@code rng.fork(s)}), and the mean and variance of every gradient element are accumulated in double (Welford's
 * update, the variance with S - 1 in the denominator). The model's gradient estimator decides what a draw is: the
 * same model with another estimator, or another number of samples, has another variance. The gradient is the loss's
 * as back-propagation gives it, before any {@code beforeOptimizerStep} hook or gradient clipping.
 *
 * <p><b>Groups.</b> The statistics are reported for the whole model ({@value #MODEL}), for each top-level module
 * (the first part of the parameter names: "encoder", "decoder", ...) and for each layer, the module that owns a
 * parameter (the name before its last dot: "encoder.net.0" for "encoder.net.0.weight" and "encoder.net.0.bias").
 * A layer that is itself a top-level module is reported once, as a module. For a group of n elements g_i:
 * <ul>
 *   <li>{@code meanSquaredMean} = (1/n) sum_i E[g_i]^2, the signal's power per element, estimated without the bias of
 *       the sample mean m_i (whose square exceeds E[g_i]^2 by Var[g_i] / S on average): (1/n) sum_i (m_i^2 - Var[g_i] / S),
 *       or 0 if that is negative;</li>
 *   <li>{@code meanVariance} = (1/n) sum_i Var[g_i], the noise's power per element;</li>
 *   <li>{@code snr}: the signal-to-noise ratio as Rainforth et al. (2018, "Tighter variational bounds are not
 *       necessarily better") define it, per element |E[g_i]| / std[g_i], averaged over the group's elements whose
 *       variance is not 0 (those with none are counted in {@code zeroVarianceElements}: a gradient element that does
 *       not depend on the random numbers has no noise to compare with). This is the plain estimate |m_i| / s_i: an
 *       element without signal measures about sqrt(2 / (pi S)) ({@link #snrNoiseFloor}), so a group's {@code snr}
 *       cannot show values far below that floor;</li>
 *   <li>{@code normSnr} = ||E[g]|| / sqrt(sum_i Var[g_i]) = sqrt(meanSquaredMean / meanVariance): the ratio of the
 *       whole group's mean gradient's length to the expected length of its noise, which large elements dominate where
 *       {@code snr} weighs every element alike. Its estimate, debiased as above, sums over the group's elements, so its
 *       floor is far lower than the element-wise one (about (2/n)^(1/4) of it for n similar elements).</li>
 * </ul>
 *
 * <p><b>Nothing changes.</b> The gradients the parameters held before are put back at the end (zeroed where there
 * were none); the model's buffers are restored after every draw, so a model that updates a buffer in its loss (a
 * running baseline, a usage counter) neither drifts nor lets one draw see another's update; no generator but the one
 * given is used. A trainer can therefore measure between two steps and train on exactly as it would have.
 */
public final class GradientVariance {
    private GradientVariance() {}

    /** The name of the group of every parameter. */
    public static final String MODEL = "model";

    /**
     * What the element-wise SNR estimate |m| / s of an element with no signal comes to on average with S draws:
     * E|N(0, 1/S)| = sqrt(2 / (pi S)); a group's {@code snr} near this value says its signal is not resolved.
     *
     * @param draws the number of draws S
     * @return the floor
     */
    public static double snrNoiseFloor(int draws) {
        return Math.sqrt(2 / (Math.PI * draws));
    }

    /** The level of a group: the whole model, a top-level module, or a layer. */
    public enum Level {
        /** Every parameter. */
        MODEL,
        /** The parameters under one top-level module ("encoder", "decoder", ...). */
        MODULE,
        /** The parameters of one layer (one owning module, e.g. "encoder.net.0"). */
        LAYER;

        /** {@return the level's name in JSON and tables: "model", "module", "layer"} */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The measured moments of one parameter's gradient, element by element (row-major, as the parameter).
     *
     * @param name     the parameter's name ({@code Module.namedParameters()})
     * @param shape    its shape
     * @param mean     the mean of each element over the draws
     * @param variance the variance of each element over the draws (denominator S - 1)
     */
    public record ParameterMoments(String name, int[] shape, double[] mean, double[] variance) {}

    /**
     * The statistics of one group of gradient elements (see the class comment for the definitions).
     *
     * @param name                 the group's name: {@value #MODEL}, a top-level module's or a layer's
     * @param level                what kind of group it is
     * @param elements             gradient elements in the group
     * @param meanSquaredMean      (1/n) sum E[g_i]^2
     * @param meanVariance         (1/n) sum Var[g_i]
     * @param snr                  the mean over elements with a variance of |E[g_i]| / std[g_i] (Rainforth et al.); NaN when
     *                             no element has a variance
     * @param normSnr              ||E[g]|| / sqrt(sum Var[g_i]); infinite when the group has no variance but a mean, NaN
     *                             when it has neither
     * @param zeroVarianceElements elements whose variance is exactly 0 (left out of {@code snr})
     */
    public record GroupStatistics(String name, Level level, long elements, double meanSquaredMean, double meanVariance, double snr, double normSnr,
                                  long zeroVarianceElements) {
        /** {@return the statistics as JSON; a value that is not finite is null} */
        public Json.Value toJson() {
            Map<String, Json.Value> m = new LinkedHashMap<>();
            m.put("name", new Json.Str(name));
            m.put("level", new Json.Str(level.label()));
            m.put("elements", new Json.Int(elements));
            m.put("mean_squared_mean", number(meanSquaredMean));
            m.put("mean_variance", number(meanVariance));
            m.put("snr", number(snr));
            m.put("norm_snr", number(normSnr));
            m.put("zero_variance_elements", new Json.Int(zeroVarianceElements));
            return new Json.Obj(m);
        }
    }

    /**
     * What a measurement found.
     *
     * @param draws      the number of gradients drawn
     * @param groups     the statistics of every group: the model first, then the top-level modules, then the layers,
     *                   each in the order of the model's parameters
     * @param parameters the moments of every parameter's gradient, by name, in the model's order
     */
    public record Measurement(int draws, List<GroupStatistics> groups, Map<String, ParameterMoments> parameters) {
        /** Copies the lists. */
        public Measurement {
            groups = List.copyOf(groups);
            parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        /**
         * {@return the statistics of a group}
         *
         * @param name the group's name
         * @throws IllegalArgumentException naming the groups there are, if there is none of that name
         */
        public GroupStatistics group(String name) {
            for (GroupStatistics g : groups) if (g.name().equals(name)) return g;
            throw new IllegalArgumentException("GradientVariance: no group '" + name + "' (groups: " + String.join(", ", groups.stream().map(GroupStatistics::name).toList()) + ")");
        }

        /**
         * {@return the groups of one level}
         *
         * @param level the level
         */
        public List<GroupStatistics> groups(Level level) {
            return groups.stream().filter(g -> g.level() == level).toList();
        }

        /** {@return the draws and every group's statistics as JSON (the per-element moments are left out)} */
        public Json.Value toJson() {
            List<Json.Value> g = new ArrayList<>();
            for (GroupStatistics s : groups) g.add(s.toJson());
            Map<String, Json.Value> m = new LinkedHashMap<>();
            m.put("draws", new Json.Int(draws));
            m.put("groups", new Json.Arr(g));
            return new Json.Obj(m);
        }
    }

    /**
     * Draws the gradient of {@code model.loss(batch, progress, rng.fork(s))} for s = 0 .. draws-1 and reports its
     * moments; see the class comment.
     *
     * @param model    the model, at the parameters to measure at
     * @param batch    the fixed batch
     * @param progress the training progress the loss sees (schedules such as KL warm-up)
     * @param draws    gradients to draw (at least 2)
     * @param rng      the generator whose streams 0 .. draws-1 the draws use (it is not advanced)
     * @param listener told after every draw (units: draws)
     * @return the moments and statistics
     */
    public static Measurement measure(LatentModel model, Batch batch, TrainingProgress progress, int draws, Rng rng, ProgressListener listener) {
        if (draws < 2) throw new IllegalArgumentException("GradientVariance: draws must be at least 2 to give a variance, got " + draws);
        Map<String, Tensor> parameters = model.namedParameters();
        if (parameters.isEmpty()) throw new IllegalArgumentException("GradientVariance: the " + model.kind() + " model has no parameters");
        List<String> names = new ArrayList<>(parameters.keySet());
        List<Tensor> tensors = new ArrayList<>(parameters.values());
        int count = tensors.size();
        double[][] mean = new double[count][], m2 = new double[count][];
        for (int p = 0; p < count; p++) {
            mean[p] = new double[tensors.get(p).size()];
            m2[p] = new double[tensors.get(p).size()];
        }
        float[][] gradientsBefore = new float[count][];
        for (int p = 0; p < count; p++) {
            Tensor g = tensors.get(p).grad();
            gradientsBefore[p] = g == null ? null : g.toArray();
        }
        Map<String, Tensor> buffers = model.namedBuffers();
        Map<String, float[]> buffersBefore = new LinkedHashMap<>();
        buffers.forEach((name, t) -> buffersBefore.put(name, t.toArray()));

        Workspace workspace = new Workspace();
        try (GradMode.Guard recording = GradMode.enabled()) {
            for (int s = 0; s < draws; s++) {
                for (Tensor t : tensors) t.zeroGrad();
                try (Workspace.Scope scope = workspace.open()) {
                    model.loss(batch, progress, rng.fork(s)).loss().backward();
                }
                double n = s + 1;
                for (int p = 0; p < count; p++) {
                    Tensor g = tensors.get(p).grad();
                    // a parameter the loss does not reach has a gradient of 0 in this draw
                    float[] values = g == null ? new float[mean[p].length] : g.toArray();
                    double[] mu = mean[p], sq = m2[p];
                    for (int i = 0; i < values.length; i++) {
                        double delta = values[i] - mu[i];
                        mu[i] += delta / n;
                        sq[i] += delta * (values[i] - mu[i]);
                    }
                }
                restoreBuffers(buffers, buffersBefore);
                listener.progress(s + 1, draws);
            }
        } finally {
            restoreBuffers(buffers, buffersBefore);
            for (int p = 0; p < count; p++) {
                Tensor t = tensors.get(p);
                if (gradientsBefore[p] == null) t.zeroGrad();
                else t.grad().copyFrom(Tensor.wrap(gradientsBefore[p], t.shape()));
            }
        }

        Map<String, ParameterMoments> moments = new LinkedHashMap<>();
        for (int p = 0; p < count; p++) {
            double[] variance = m2[p];
            for (int i = 0; i < variance.length; i++) variance[i] /= draws - 1;
            moments.put(names.get(p), new ParameterMoments(names.get(p), tensors.get(p).shape(), mean[p], variance));
        }
        return new Measurement(draws, groups(moments, draws), moments);
    }

    private static void restoreBuffers(Map<String, Tensor> buffers, Map<String, float[]> values) {
        buffers.forEach((name, t) -> {
            float[] v = values.get(name);
            t.copyFrom(Tensor.wrap(v, t.shape()));
        });
    }

    /** The top-level module of a parameter: its name's first part (the parameter itself when it has no dot). */
    static String moduleOf(String parameter) {
        int dot = parameter.indexOf('.');
        return dot < 0 ? parameter : parameter.substring(0, dot);
    }

    /** The layer of a parameter: the module that owns it, the name before the last dot (the parameter itself when it has no dot). */
    static String layerOf(String parameter) {
        int dot = parameter.lastIndexOf('.');
        return dot < 0 ? parameter : parameter.substring(0, dot);
    }

    private static List<GroupStatistics> groups(Map<String, ParameterMoments> moments, int draws) {
        Map<String, List<ParameterMoments>> modules = new LinkedHashMap<>(), layers = new LinkedHashMap<>();
        for (ParameterMoments m : moments.values()) {
            modules.computeIfAbsent(moduleOf(m.name()), k -> new ArrayList<>()).add(m);
            layers.computeIfAbsent(layerOf(m.name()), k -> new ArrayList<>()).add(m);
        }
        List<GroupStatistics> out = new ArrayList<>();
        out.add(statistics(MODEL, Level.MODEL, List.copyOf(moments.values()), draws));
        modules.forEach((name, members) -> out.add(statistics(name, Level.MODULE, members, draws)));
        layers.forEach((name, members) -> {
            if (!modules.containsKey(name)) out.add(statistics(name, Level.LAYER, members, draws));
        });
        return out;
    }

    private static GroupStatistics statistics(String name, Level level, List<ParameterMoments> members, int draws) {
        long n = 0, zero = 0, withVariance = 0;
        double sumSquaredMean = 0, sumVariance = 0, sumSnr = 0;
        for (ParameterMoments m : members) {
            double[] mu = m.mean(), var = m.variance();
            for (int i = 0; i < mu.length; i++) {
                n++;
                sumSquaredMean += mu[i] * mu[i];
                sumVariance += var[i];
                if (var[i] > 0) {
                    sumSnr += Math.abs(mu[i]) / Math.sqrt(var[i]);
                    withVariance++;
                } else {
                    zero++;
                }
            }
        }
        double snr = withVariance == 0 ? Double.NaN : sumSnr / withVariance;
        // the sample means' squares overestimate the squared means by the variance of a mean of S draws
        double signal = Math.max(0, sumSquaredMean - sumVariance / draws);
        double normSnr = sumVariance > 0 ? Math.sqrt(signal / sumVariance) : signal > 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        return new GroupStatistics(name, level, n, signal / n, sumVariance / n, snr, normSnr, zero);
    }

    private static Json.Value number(double v) {
        return Double.isFinite(v) ? new Json.Real(v) : Json.NULL;
    }
}
