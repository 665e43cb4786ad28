package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.compress.CompressorKind;
import org.latent4j.compress.CompressorKinds;
import org.latent4j.compress.ExactSearch;
import org.latent4j.compress.Metric;
import org.latent4j.compress.Neighbours;
import org.latent4j.compress.io.CodesFile;
import org.latent4j.core.data.io.NpyReader;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.data.io.VecsReader;
import org.latent4j.core.data.io.VecsWriter;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.Tensor;
import org.latent4j.tensor.random.Rng;

/** {@code latent4j compress fit|encode|decode|search|eval} on small vector files written here, and their one-line refusals. */
class CompressCommandsTest {
    @TempDir
    static Path tmp;

    private static final int N = 400, Q = 20, D = 16;

    private static Path fvecs(String name, Tensor x) throws IOException {
        Path p = tmp.resolve(name);
        VecsWriter.writeFloats(p, x.toArray(), x.dim(0), x.dim(1));
        return p;
    }

    private static Tensor base() {
        return new Rng(11).normal(0f, 1f, N, D);
    }

    private static Tensor queries() {
        return new Rng(12).normal(0f, 1f, Q, D);
    }

    private static ModelCommandsTest.Result ok(String... args) {
        ModelCommandsTest.Result r = latent4j(args);
        assertEquals(0, r.code(), r.err() + r.out());
        return r;
    }

    @Test
    void fitEncodeDecodeSearchRoundTrip() throws IOException {
        Path data = fvecs("base.fvecs", base()), q = fvecs("q.fvecs", queries());
        Path model = tmp.resolve("sq8.l4jc"), codes = tmp.resolve("base-sq8.l4jc");
        ModelCommandsTest.Result fit = ok("compress", "fit", "--spec", "SQ8", "--data", data.toString(), "--out", model.toString());
        assertTrue(fit.out().contains("fitted SQ8 on 400 rows") && fit.out().contains("16 bytes a vector"), fit.out());
        assertEquals(0, CodesFile.read(model).count());

        ok("compress", "encode", "--model", model.toString(), "--data", data.toString(), "--out", codes.toString());
        CodesFile f = CodesFile.read(codes);
        assertEquals(N, f.count());
        assertArrayEquals(f.compressor().encode(base()), f.codes());

        Path decoded = tmp.resolve("decoded.npy"), decodedF = tmp.resolve("decoded.fvecs");
        ok("compress", "decode", "--codes", codes.toString(), "--out", decoded.toString());
        ok("compress", "decode", "--codes", codes.toString(), "--out", decodedF.toString());
        Tensor dec = NpyReader.read(decoded);
        assertArrayEquals(new int[] {N, D}, dec.shape());
        assertArrayEquals(f.compressor().decode(f.codes(), N).toArray(), dec.toArray());
        assertArrayEquals(dec.toArray(), VecsReader.read(decodedF).toArray());

        // Flat codes search exactly: the ids are the brute-force neighbours, and the printed recall is 1
        Path flat = tmp.resolve("flat.l4jc"), flatCodes = tmp.resolve("base-flat.l4jc"), gt = tmp.resolve("gt.ivecs");
        Neighbours truth = ExactSearch.search(base(), queries(), 10, Metric.L2);
        VecsWriter.writeInts(gt, truth.ids(), Q, 10);
        ok("compress", "fit", "--spec", "Flat", "--data", data.toString(), "--out", flat.toString());
        ok("compress", "encode", "--model", flat.toString(), "--data", data.toString(), "--out", flatCodes.toString());
        Path ids = tmp.resolve("ids.ivecs");
        ModelCommandsTest.Result s = ok("compress", "search", "--codes", flatCodes.toString(), "--queries", q.toString(), "--k", "10", "--out", ids.toString(),
                "--ground-truth", gt.toString());
        assertTrue(s.out().contains("k-NN recall@10 1.0000"), s.out());
        float[] got = VecsReader.read(ids).toArray();
        for (int i = 0; i < truth.ids().length; i++) assertEquals(truth.ids()[i], (int) got[i]);

        // BIN codes re-ranked exactly over the best 60 find most of the true neighbours; the ids also go to .npy
        Path bin = tmp.resolve("bin.l4jc"), binCodes = tmp.resolve("base-bin.l4jc"), npyIds = tmp.resolve("ids.npy");
        ok("compress", "fit", "--spec", "BINC", "--data", data.toString(), "--out", bin.toString());
        ok("compress", "encode", "--model", bin.toString(), "--data", data.toString(), "--out", binCodes.toString());
        ModelCommandsTest.Result rr = ok("compress", "search", "--codes", binCodes.toString(), "--queries", q.toString(), "--k", "10", "--rerank", "60",
                "--data", data.toString(), "--out", npyIds.toString(), "--ground-truth", gt.toString());
        assertTrue(rr.out().contains("re-scored exactly"), rr.out());
        assertArrayEquals(new int[] {Q, 10}, NpyReader.read(npyIds).shape());
        double recall = Double.parseDouble(rr.out().replaceAll("(?s).*k-NN recall@10 ([0-9.]+).*", "$1"));
        assertTrue(recall > 0.6, "re-ranked BINC recall " + recall);
    }

    @Test
    void evalReportsEverySpecAsTableJsonAndChart() throws IOException {
        Path data = tmp.resolve("base.npy"), q = tmp.resolve("q.npy"), out = tmp.resolve("eval");
        NpyWriter.write(data, base());
        NpyWriter.write(q, queries());
        ModelCommandsTest.Result r = ok("compress", "eval", "--spec", "SQ8,SQ4;BIN,BINC,Flat", "--data", data.toString(), "--queries", q.toString(),
                "--k", "5", "--out", out.toString());
        assertTrue(r.out().contains("recall@5") && r.out().contains("1-recall@1"), r.out());
        Json.Cursor report = Json.at(Json.readFile(out.resolve("eval.json")), "eval.json");
        List<Json.Cursor> results = report.get("results").items();
        assertEquals(5, results.size());
        assertEquals("exact", report.get("groundTruth").asString());
        for (Json.Cursor c : results) {
            double recall = c.get("knnRecall").asDouble();
            assertTrue(recall >= 0 && recall <= 1);
            if (c.get("spec").asString().equals("Flat")) {
                assertEquals(1.0, recall, 1e-12);
                assertEquals(64, c.get("bytesPerVector").asInt());
                assertEquals(0.0, c.get("reconstructionMse").asDouble(), 1e-12);
            }
        }
        double sq8 = results.get(0).get("knnRecall").asDouble(), sq4 = results.get(1).get("knnRecall").asDouble();
        assertTrue(sq8 >= sq4 && sq8 > 0.8, "SQ8 " + sq8 + ", SQ4 " + sq4);
        BufferedImage png = ImageIO.read(out.resolve("recall.png").toFile());
        assertTrue(png.getWidth() >= 600 && png.getHeight() >= 400);
    }

    @Test
    void searchingInBlocksWithProgressChangesNothing() {
        Tensor b = new Rng(21).normal(0f, 1f, 300, 4), q = new Rng(22).normal(0f, 1f, 1100, 4);
        Neighbours whole = ExactSearch.search(b, q, 3, Metric.L2);
        Neighbours blocks = CompressCommand.withProgress("test", q, 3, part -> ExactSearch.search(b, part, 3, Metric.L2));
        assertArrayEquals(whole.ids(), blocks.ids());
        assertArrayEquals(whole.scores(), blocks.scores());
    }

    @Test
    void specListsGroupTransformsWithTheirCompressor() {
        assertEquals(List.of("SQ8", "SQ4", "BIN", "Flat"), CompressCommand.specList("SQ8,SQ4; BIN ,Flat"));
    }

    @Test
    void helpListsEveryRegisteredKind() {
        ModelCommandsTest.Result r = ok("compress", "--help");
        for (CompressorKind k : CompressorKinds.all()) {
            assertTrue(r.out().contains(k.syntax()) && r.out().contains(k.example()), k.name() + " in " + r.out());
        }
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws IOException {
        Path data = fvecs("bad-base.fvecs", base());
        Path model = tmp.resolve("bad-model.l4jc");
        assertUsageError("sub-command", "compress");
        assertUsageError("unknown sub-command 'squash'", "compress", "squash");
        assertUsageError("--spec SPEC is required", "compress", "fit", "--data", data.toString(), "--out", model.toString());
        assertUsageError("unknown compressor 'ZZ9'", "compress", "fit", "--spec", "ZZ9", "--data", data.toString(), "--out", model.toString());
        assertUsageError("SQ takes 8 or 4 bits", "compress", "fit", "--spec", "SQ5", "--data", data.toString(), "--out", model.toString());
        assertUsageError("unknown option --nope", "compress", "fit", "--nope", "1");
        assertUsageError("unknown metric 'cosine'", "compress", "eval", "--metric", "cosine", "--data", data.toString(), "--queries", data.toString());
        assertUsageError("--queries FILE is needed", "compress", "eval", "--data", data.toString());
        assertUsageError("no such file", "compress", "encode", "--model", tmp.resolve("missing.l4jc").toString(), "--data", data.toString(), "--out",
                tmp.resolve("x.l4jc").toString());
        Path notCodes = tmp.resolve("not-codes.l4jc");
        Files.writeString(notCodes, "hello, this is not a codes file at all");
        assertUsageError("magic", "compress", "decode", "--codes", notCodes.toString(), "--out", tmp.resolve("d.npy").toString());
        ok("compress", "fit", "--spec", "SQ4", "--data", data.toString(), "--out", model.toString());
        assertUsageError("holds a model but no codes", "compress", "decode", "--codes", model.toString(), "--out", tmp.resolve("d.npy").toString());
        assertUsageError("must end with .npy or .fvecs", "compress", "decode", "--codes", model.toString(), "--out", tmp.resolve("d.txt").toString());
        Path narrow = fvecs("narrow.fvecs", new Rng(1).normal(0f, 1f, 10, 3));
        assertUsageError("takes 16", "compress", "encode", "--model", model.toString(), "--data", narrow.toString(), "--out", tmp.resolve("n.l4jc").toString());
        assertUsageError("unknown compressor 'NoSuch'", "compress", "eval", "--spec", "SQ8;NoSuch", "--data", data.toString(), "--queries", data.toString());
        ModelCommandsTest.Result r = latent4j("compress", "eval", "--spec", "SQ8", "--epochs", "0", "--data", data.toString(), "--queries", data.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--epochs must be between 1 and 100000, got 0"), r.err());
        assertFalse(r.out().contains("ground truth"), "refused before the exact search: " + r.out());
    }
}
