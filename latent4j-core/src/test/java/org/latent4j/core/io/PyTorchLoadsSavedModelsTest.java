package org.latent4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latent4j.core.data.Binarization;
import org.latent4j.core.data.io.NpyReader;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.distributions.DiagonalGaussian;
import org.latent4j.core.model.ae.AutoencoderConfig;
import org.latent4j.core.model.vae.ConditionalVaeConfig;
import org.latent4j.core.nn.GaussianMlp;
import org.latent4j.core.model.hvae.HierarchicalVaeConfig;
import org.latent4j.core.model.LatentCode;
import org.latent4j.core.model.LatentModel;
import org.latent4j.core.distributions.LikelihoodKind;
import org.latent4j.core.model.ModelKinds;
import org.latent4j.core.distributions.PosteriorParameterisation;
import org.latent4j.core.model.vae.VaeConfig;
import org.latent4j.core.nn.Activation;
import org.latent4j.core.nn.ConvArchitecture;
import org.latent4j.tensor.GradMode;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/**
 * A saved model is a state dict that PyTorch loads: the equivalent torch modules, written from config.json as a
 * PyTorch user would write them, take model.safetensors with {@code load_state_dict(strict=True)} and compute
 * the same encoder and decoder outputs (to 1e-5). Runs where Debian's python3-torch is installed, skipped elsewhere.
 */
class PyTorchLoadsSavedModelsTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final int D = 20;

    @TempDir
    static Path tmp;
    static Path script;

    @BeforeAll
    static void findTorch() throws IOException, InterruptedException, URISyntaxException {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), PYTHON + " is not installed");
        Process p = new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "python3-torch is not installed");
        script = Path.of(PyTorchLoadsSavedModelsTest.class.getResource("torch_load_check.py").toURI());
    }

    private static LatentModel model(String kind) {
        VaeConfig vae = VaeConfig.of(D, 3).withHidden(List.of(7, 5)).withActivation(Activation.TANH);
        Record config = switch (kind) {
            case "ae" -> AutoencoderConfig.of(D, 3).withHidden(List.of(6)).withActivation(Activation.RELU);
            case "vae" -> vae.withActivation(Activation.GELU);
            case "beta-vae" -> vae.withBeta(4).withLikelihood(LikelihoodKind.GAUSSIAN_LEARNED).withActivation(Activation.ELU);
            case "iwae" -> vae.withSamples(3).withPosterior(PosteriorParameterisation.LOG_STD);
            case "cvae" -> new ConditionalVaeConfig(vae.withActivation(Activation.SELU), 4);
            case "hvae" -> HierarchicalVaeConfig.of(D).withSizes(4, 2, List.of(6), List.of(3));
            default -> throw new AssertionError(kind);
        };
        LatentModel m = ModelKinds.get(kind).createFrom(config, new Rng(11));
        // non-zero biases, so that a bias saved in the wrong place shows
        Rng r = new Rng(12);
        m.namedParameters().forEach((name, t) -> {
            if (name.endsWith("bias")) t.copyFrom(r.normal(0f, 0.5f, t.shape()));
        });
        return m;
    }

    /** A 1x10x9 image model with two convolutions (sizes 10x9 -> 5x4 -> 2x2, so the decoder needs output padding). */
    private static LatentModel convModel(String kind) {
        ConvArchitecture conv = ConvArchitecture.of(new int[] {10, 9}).withChannels(List.of(3, 5));
        Record config = kind.equals("ae") ? AutoencoderConfig.of(90, 3).withHidden(List.of(6)).withActivation(Activation.RELU).withConv(conv)
                : VaeConfig.of(90, 3).withHidden(List.of(7)).withActivation(Activation.TANH).withConv(conv);
        LatentModel m = ModelKinds.get(kind).createFrom(config, new Rng(14));
        Rng r = new Rng(15);
        m.namedParameters().forEach((name, t) -> {
            if (name.endsWith("bias")) t.copyFrom(r.normal(0f, 0.5f, t.shape()));
        });
        return m;
    }

    private static Tensor condition(LatentModel m, int n) {
        if (m.conditionClasses() == 0) return null;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % m.conditionClasses();
        return m.labelCondition(labels);
    }

    /** The encoder's raw output: the means, then the variance head as the parameterisation reads it. */
    private static Tensor rawHead(DiagonalGaussian q, PosteriorParameterisation p) {
        Tensor head = p == PosteriorParameterisation.LOG_STD ? q.logVar().mul(0.5f) : q.logVar();
        return org.latent4j.tensor.ops.ShapeOps.concat(-1, q.mean(), head);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ae", "vae", "beta-vae", "iwae", "cvae", "hvae", "ae-conv", "vae-conv"})
    void torchLoadsTheStateDictAndComputesTheSame(String kind) throws Exception {
        LatentModel model = kind.endsWith("-conv") ? convModel(kind.replace("-conv", "")) : model(kind);
        Path dir = tmp.resolve(kind);
        ModelStore.save(dir, model, new ModelStore.DataPreprocessing("synthetic", null, ModelStore.SCALING_NONE, null, Binarization.NONE), null, null);
        int n = 9;
        Tensor x = new Rng(13).normal(0f, 1f, n, model.dataDim());
        NpyWriter.write(dir.resolve("input.npy"), x);
        Path out = Files.createDirectories(tmp.resolve(kind + "-torch"));
        Process p = new ProcessBuilder(PYTHON, script.toString(), dir.toString(), dir.resolve("input.npy").toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "torch_load_check.py failed:\n" + log);

        Map<String, Tensor> mine = new LinkedHashMap<>();
        try (var noGrad = GradMode.disabled()) {
            Tensor c = condition(model, n);
            LatentCode code = model.encode(x, c);
            DiagonalGaussian q = code instanceof LatentCode.Gaussian g ? g.posterior() : null;
            switch (kind) {
                case "ae", "ae-conv" -> mine.put("encoder", code.vector());
                case "hvae" -> {
                    mine.put("encoder", rawHead(q, PosteriorParameterisation.LOG_STD));
                    DiagonalGaussian q2 = ((GaussianMlp) model.namedModules().get("encoder2")).forward(q.mean());
                    mine.put("encoder2", rawHead(q2, PosteriorParameterisation.LOG_STD));
                    mine.put("decoder2", rawHead(((GaussianMlp) model.namedModules().get("decoder2")).forward(q2.mean()), PosteriorParameterisation.LOG_STD));
                }
                default -> mine.put("encoder", rawHead(q, kind.equals("iwae") ? PosteriorParameterisation.LOG_STD : PosteriorParameterisation.LOG_VARIANCE));
            }
            mine.put("decoder", model.decode(code.vector(), c));
        }
        for (var e : mine.entrySet()) {
            Tensor theirs = NpyReader.read(out.resolve(e.getKey() + ".npy"));
            assertArrayEquals(e.getValue().shape(), theirs.shape(), kind + " " + e.getKey());
            float[] a = e.getValue().contiguous().toArray(), b = theirs.toArray();
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-5 * Math.max(1, Math.abs(b[i])), kind + " " + e.getKey() + "[" + i + "]");
            }
        }
    }
}
