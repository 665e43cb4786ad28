package org.latent4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@link HtmlReport}: text escaped so that any run's strings keep the page well-formed, the contents linked, pictures embedded byte for byte. */
class HtmlReportTest {
    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anyTextKeepsThePageWellFormedAndReadsBackUnchanged() throws Exception {
        String nasty = "a < b && c > \"d\" 'e' </section><script>x</script> \u0001";
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xFF};
        String html = new HtmlReport(nasty, nasty).headline(nasty, nasty).section("one", nasty).paragraph(nasty).note(HtmlReport.Tone.BAD, nasty)
                .table(List.of(nasty, "v"), List.of(List.of(nasty, "1"))).foldedTable(nasty, List.of("k", "v"), List.of(List.of("x", nasty)))
                .section("two", "Second").facts(List.of(nasty), List.of(List.<String[]>of(new String[] {nasty, nasty})))
                .figures(List.of(HtmlReport.Figure.chart(png, nasty, nasty))).render();
        Document doc = parse(html);
        assertEquals(0, doc.getElementsByTagName("script").getLength(), "text stays text");
        String expected = nasty.replace('\u0001', ' ');
        assertEquals(expected, doc.getElementsByTagName("title").item(0).getTextContent());
        assertEquals(expected, doc.getElementsByTagName("p").item(0).getTextContent());
        assertEquals(expected, ((Element) doc.getElementsByTagName("img").item(0)).getAttribute("alt"));
        String src = ((Element) doc.getElementsByTagName("img").item(0)).getAttribute("src");
        assertTrue(src.startsWith("data:image/png;base64,"), src);
        assertArrayEquals(png, Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1)), "the picture is embedded byte for byte");
        // the contents link each section by its id, in order
        assertEquals("#one", ((Element) doc.getElementsByTagName("a").item(0)).getAttribute("href"));
        assertEquals("#two", ((Element) doc.getElementsByTagName("a").item(1)).getAttribute("href"));
        assertEquals("two", ((Element) doc.getElementsByTagName("section").item(1)).getAttribute("id"));
    }

    @Test
    void sectionsAreNamedOnceAndContentNeedsASection() {
        HtmlReport page = new HtmlReport("t", null);
        assertThrows(IllegalStateException.class, () -> page.paragraph("no section yet"));
        page.section("a", "A");
        assertThrows(IllegalArgumentException.class, () -> page.section("a", "again"));
        assertThrows(IllegalArgumentException.class, () -> page.section("Not An Id", "x"));
    }
}
