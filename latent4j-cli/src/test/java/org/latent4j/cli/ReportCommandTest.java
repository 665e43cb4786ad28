package org.latent4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.latent4j.cli.ModelCommandsTest.assertUsageError;
import static org.latent4j.cli.ModelCommandsTest.latent4j;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latent4j.core.data.io.NpyWriter;
import org.latent4j.core.io.Json;
import org.latent4j.tensor.random.Rng;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code latent4j report} and the report.html train writes: a well-formed, self-contained page (no address outside
 * it, every picture an embedded PNG that decodes to a non-blank image) with the sections that fit the run: a VAE on
 * images, a VQ-VAE, a sparse autoencoder and a VAE on vectors from an .npy file; the ROC curve of an anomaly.json;
 * the one-line refusals; and, where Debian's chromium is installed, a real browser's rendering of the page.
 */
class ReportCommandTest {
    @TempDir
    static Path tmp;
    static Path vae;

    /** The page's sections (their ids, in order), its pictures and its text. */
    record Page(List<String> sections, List<BufferedImage> images, List<String> alts, String text, String html) {}

    @BeforeAll
    static void trainVae() {
        vae = tmp.resolve("vae");
        ModelCommandsTest.Result r = ModelCommandsTest.trainTiny(vae, "--epochs", "3", "--eval-limit", "60");
        assertTrue(r.out().contains("report.html"), "train lists the report among what it wrote: " + r.out());
    }

    @Test
    void aVaeRunOnImagesHasEverySection() throws Exception {
        Page page = read(vae.resolve("report.html"));
        assertEquals(List.of("training", "evaluation", "codes", "pictures", "run"), page.sections());
        assertTrue(page.alts().containsAll(List.of("loss per epoch", "loss terms", "kl", "KL per latent dimension", "PCA of the latent means",
                "reconstructions", "samples", "traversals")), page.alts().toString());
        // the page says what metrics.json says
        Json.Cursor e = Json.at(Json.readFile(vae.resolve("metrics.json")), "metrics").get("evaluation");
        double nll = e.get("logLikelihood").get("nll").asDouble();
        assertTrue(page.text().contains(ReportCommand.num(nll)), "the NLL " + ReportCommand.num(nll) + " is in the evaluation table");
        int active = e.get("latent").get("activeUnits").get("count").asInt();
        assertTrue(page.text().contains(active + " of 4 units active"), "the active units");
        assertTrue(page.text().contains(e.get("latent").get("collapse").get("summary").asString()), "the posterior-collapse verdict");
        assertTrue(page.text().contains("latent4j train --out " + vae) && page.text().contains("--epochs 3"), "the command line of the run");
        assertTrue(page.text().contains("coloured by class"), "Fashion-MNIST has labels: the PCA is coloured by class");
        for (String cls : List.of("T-shirt/top", "Ankle boot")) assertFalse(page.text().contains(cls), "class names are in the chart, not the text");
        // the pictures are the model's: the reconstruction grid is 2 x 16 cells of 28 x 28 pixels, doubled, with gaps
        int grid = page.alts().indexOf("reconstructions");
        assertEquals(16 * 56 + 17 * 2, page.images().get(grid).getWidth());
    }

    @Test
    void theReportCommandRewritesThePageAndAddsTheRocCurveOfAnAnomalyFile() throws Exception {
        Path run = tmp.resolve("vae-scored");
        copyRun(vae, run);
        Files.writeString(run.resolve(ReportCommand.ANOMALY_FILE), """
                {"score": "nll", "k": 10, "data": "embedded", "normal": ["Trouser"], "rows": 60, "anomalies": 54,
                 "auroc": 0.875, "auprc": 0.6125, "fpr": [0, 0, 0.25, 0.5, 1], "tpr": [0, 0.5, 0.75, 1, 1],
                 "threshold": 312.5, "thresholdFpr": 0.25}
                """);
        Path out = tmp.resolve("elsewhere.html");
        ModelCommandsTest.Result r = latent4j("report", run.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + out), r.out());
        Page page = read(out);
        assertEquals(List.of("training", "evaluation", "codes", "pictures", "anomaly", "run"), page.sections());
        assertTrue(page.text().contains("AUROC 0.8750, AUPRC 0.6125"), "the two areas");
        assertTrue(page.text().contains("Trouser"), "the normal class");
        assertTrue(page.text().contains("true positive rate at the threshold0.75"), "the threshold's point read off the curve at FPR 0.25");
        assertTrue(page.alts().contains("ROC curve"));

        // a damaged anomaly.json is said in its section; the rest of the report stands
        Files.writeString(run.resolve(ReportCommand.ANOMALY_FILE), "{\"auroc\": 0.9}");
        r = latent4j("report", run.toString());
        assertEquals(0, r.code(), r.err());
        Page damaged = read(run.resolve("report.html"));
        assertTrue(damaged.sections().contains("anomaly"), damaged.sections().toString());
        assertTrue(damaged.text().contains("anomaly.json could not be read") && damaged.text().contains("fpr"), damaged.text());
    }

    @Test
    void aVqVaeRunShowsItsCodebookInsteadOfKlAndPca() throws Exception {
        Path run = tmp.resolve("vq");
        ModelCommandsTest.Result r = latent4j("train", "--out", run.toString(), "--model", "vq-vae", "--limit", "200", "--epochs", "2", "--hidden", "32",
                "--batch", "50", "--eval-limit", "40", "--codebook-size", "16", "--code-dim", "4");
        assertEquals(0, r.code(), r.err());
        Page page = read(run.resolve("report.html"));
        assertEquals(List.of("training", "evaluation", "codes", "pictures", "run"), page.sections());
        assertTrue(page.alts().contains("codebook usage") && page.alts().contains("samples") && page.alts().contains("reconstructions"),
                page.alts().toString());
        assertFalse(page.alts().contains("KL per latent dimension") || page.alts().contains("PCA of the latent means") || page.alts().contains("traversals"),
                "no Gaussian diagnostics or traversals for discrete codes: " + page.alts());
        Json.Cursor stage = Json.at(Json.readFile(run.resolve("metrics.json")), "metrics").get("evaluation").get("latent").get("stages").get(0);
        assertTrue(page.text().contains("codebook: codes used" + stage.get("used").asInt() + " of 16"), "the usage of metrics.json");
    }

    @Test
    void aSparseAutoencoderOnVectorsShowsFeatureDensityAndNoPictures() throws Exception {
        Path npy = tmp.resolve("sae.npy");
        NpyWriter.write(npy, new Rng(3).normal(1f, 3f, 300, 12));
        Path run = tmp.resolve("sae");
        ModelCommandsTest.Result r = latent4j("train", "--out", run.toString(), "--model", "topk-sae", "--data", npy.toString(), "--epochs", "2",
                "--batch", "32", "--latents", "48", "--sparsity-k", "4");
        assertEquals(0, r.code(), r.err());
        Page page = read(run.resolve("report.html"));
        assertEquals(List.of("training", "evaluation", "codes", "run"), page.sections(), "vectors are not pictures");
        assertTrue(page.alts().contains("feature density") && page.alts().contains("fvu"), page.alts().toString());
        assertFalse(page.alts().contains("PCA of the latent means"));
        assertTrue(page.text().contains("none (vectors)") && page.text().contains("yes (training rows"), "the data's description");
    }

    @Test
    void aVaeOnAnNpyFileHasItsCurvesCodesAndAnUncolouredPca() throws Exception {
        Path npy = tmp.resolve("vectors.npy");
        NpyWriter.write(npy, new Rng(5).normal(2f, 4f, 240, 10));
        Path run = tmp.resolve("vae-npy");
        ModelCommandsTest.Result r = latent4j("train", "--out", run.toString(), "--data", npy.toString(), "--epochs", "2", "--batch", "40", "--hidden",
                "16", "--latent", "3", "--nll-k", "3");
        assertEquals(0, r.code(), r.err());
        Page page = read(run.resolve("report.html"));
        assertEquals(List.of("training", "evaluation", "codes", "run"), page.sections());
        assertTrue(page.alts().containsAll(List.of("loss per epoch", "KL per latent dimension", "PCA of the latent means")), page.alts().toString());
        assertFalse(page.text().contains("coloured by class"), "an .npy file has no labels");
        assertTrue(page.text().contains("yes (training rows"), "standardized data say so");
    }

    @Test
    void badArgumentsAreOneLine() throws IOException {
        assertUsageError("expects one run directory", "report");
        assertUsageError("unknown option --nll-k", "report", vae.toString(), "--nll-k", "5");
        assertUsageError("report: ", "report", tmp.resolve("nowhere").toString());
        Files.createDirectories(tmp.resolve("a-directory"));
        assertUsageError("is a directory", "report", vae.toString(), "--out", tmp.resolve("a-directory").toString());
    }

    /** Debian's chromium, headless, renders the page: the screenshot shows the header band, text and charts. */
    @Test
    void chromiumRendersThePage() throws Exception {
        String chromium = chromium();
        Assumptions.assumeTrue(chromium != null, "chromium is not installed");
        Path shot = tmp.resolve("screenshot.png");
        Process p = new ProcessBuilder(chromium, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--screenshot=" + shot,
                "--window-size=1200,3000", "--user-data-dir=" + tmp.resolve("chromium-profile"), vae.resolve("report.html").toUri().toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        Assumptions.assumeTrue(Files.exists(shot), "chromium could not render here: " + Files.readString(tmp.resolve("chromium.log")));
        BufferedImage image = ImageIO.read(shot.toFile());
        assertEquals(1200, image.getWidth());
        assertNotBlank(image, "the screenshot");
        // the header band is dark blue (the gradient from #1f3b57), the page below light
        int header = image.getRGB(600, 20) & 0xFFFFFF;
        assertTrue(((header >> 16) & 0xFF) < 80 && (header & 0xFF) > ((header >> 16) & 0xFF), "the header is dark blue: " + Integer.toHexString(header));
        int background = image.getRGB(3, 1500) & 0xFFFFFF;
        assertTrue(((background >> 8) & 0xFF) > 230, "the page is light: " + Integer.toHexString(background));
    }

    // ---------------------------------------------------------------- reading a page

    /** Parses the page as XML, checks it embeds nothing from outside and that every picture decodes to a non-blank PNG. */
    static Page read(Path file) throws Exception {
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!DOCTYPE html>"), "an HTML5 page");
        assertFalse(Pattern.compile("(?i)https?://|url\\(|<script|<link|<iframe").matcher(html).find(), "nothing fetched, no script");
        Matcher refs = Pattern.compile("(?i)\\b(src|href)=\"([^\"]*)\"").matcher(html);
        while (refs.find()) {
            String ref = refs.group(2);
            assertTrue(ref.startsWith("data:image/png;base64,") || ref.startsWith("#"), "embedded or in-page only: " + ref);
        }
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        List<String> sections = new ArrayList<>();
        NodeList ss = doc.getElementsByTagName("section");
        for (int i = 0; i < ss.getLength(); i++) sections.add(((Element) ss.item(i)).getAttribute("id"));
        // the table of contents links every section, in order
        List<String> toc = new ArrayList<>();
        NodeList links = ((Element) doc.getElementsByTagName("nav").item(0)).getElementsByTagName("a");
        for (int i = 0; i < links.getLength(); i++) toc.add(((Element) links.item(i)).getAttribute("href").substring(1));
        assertEquals(sections, toc, "the table of contents");
        List<BufferedImage> images = new ArrayList<>();
        List<String> alts = new ArrayList<>();
        NodeList imgs = doc.getElementsByTagName("img");
        for (int i = 0; i < imgs.getLength(); i++) {
            Element img = (Element) imgs.item(i);
            String src = img.getAttribute("src"), alt = img.getAttribute("alt");
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1))));
            assertTrue(image != null, "picture '" + alt + "' decodes");
            assertNotBlank(image, "picture '" + alt + "'");
            images.add(image);
            alts.add(alt);
        }
        return new Page(sections, images, alts, doc.getDocumentElement().getTextContent(), html);
    }

    /** Not one flat colour: several colours, and a visible share of pixels differ from the corner's. */
    static void assertNotBlank(BufferedImage image, String what) {
        Set<Integer> colours = new HashSet<>();
        int corner = image.getRGB(0, 0), differ = 0, total = 0;
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int c = image.getRGB(x, y);
                colours.add(c);
                if (c != corner) differ++;
                total++;
            }
        }
        assertTrue(colours.size() >= 4, what + " has " + colours.size() + " colours");
        assertTrue(differ > total / 100, what + ": only " + differ + " of " + total + " pixels differ from the background");
    }

    private static String chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                if (Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name).toString();
            }
        }
        return null;
    }

    private static void copyRun(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) if (Files.isRegularFile(f)) Files.copy(f, to.resolve(f.getFileName()));
        }
    }
}
