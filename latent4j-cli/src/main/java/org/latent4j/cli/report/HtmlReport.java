package org.latent4j.cli.report;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A self-contained HTML page built section by section: the CSS inline, every picture a {@code data:} URI, no script
 * and no address outside the file, so it opens offline and can be mailed as it is. Each section gets an entry in the
 * table of contents at the top. The markup is also well-formed XML (every element closed, every attribute quoted,
 * only XML's entities), so a test can read it with an XML parser.
 */
public final class HtmlReport {
    /** The colour of a call-out: a good verdict, a warning, or neutral information. */
    public enum Tone {
        GOOD, BAD, INFO
    }

    /** A picture with its caption; {@code pixelated} scales it up without smoothing (image grids), {@code wide} spans the row. */
    public record Figure(byte[] png, String alt, String caption, boolean pixelated, boolean wide) {
        public static Figure chart(byte[] png, String alt, String caption) {
            return new Figure(png, alt, caption, false, false);
        }

        public static Figure grid(byte[] png, String alt, String caption) {
            return new Figure(png, alt, caption, true, true);
        }
    }

    private record Section(String id, String heading, StringBuilder body) {}

    private final String title, subtitle;
    private final List<String[]> headerFacts = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();

    public HtmlReport(String title, String subtitle) {
        this.title = title;
        this.subtitle = subtitle;
    }

    /** A key figure shown large in the page's header (e.g. "NLL", "86.8 nats"). */
    public HtmlReport headline(String label, String value) {
        headerFacts.add(new String[] {label, value});
        return this;
    }

    /** Starts a section; what follows goes into it. {@code id} is its anchor (letters, digits and '-'). */
    public HtmlReport section(String id, String heading) {
        if (!id.matches("[a-z0-9-]+")) throw new IllegalArgumentException("HtmlReport: section id '" + id + "' is not of [a-z0-9-]");
        for (Section s : sections) if (s.id().equals(id)) throw new IllegalArgumentException("HtmlReport: two sections named " + id);
        sections.add(new Section(id, heading, new StringBuilder()));
        return this;
    }

    public HtmlReport subheading(String text) {
        body().append("<h3>").append(escape(text)).append("</h3>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body().append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public HtmlReport note(Tone tone, String text) {
        body().append("<div class=\"note ").append(tone.name().toLowerCase(java.util.Locale.ROOT)).append("\">").append(escape(text)).append("</div>\n");
        return this;
    }

    /** A table with a header row; cells are text. */
    public HtmlReport table(List<String> header, List<List<String>> rows) {
        StringBuilder b = body().append("<table>\n<thead><tr>");
        for (String h : header) b.append("<th>").append(escape(h)).append("</th>");
        b.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            b.append("<tr>");
            for (int i = 0; i < row.size(); i++) b.append(i == 0 ? "<td>" : "<td class=\"num\">").append(escape(row.get(i))).append("</td>");
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n");
        return this;
    }

    /** A table folded away under a one-line summary a reader clicks to open (no script: the details element). */
    public HtmlReport foldedTable(String summary, List<String> header, List<List<String>> rows) {
        body().append("<details><summary>").append(escape(summary)).append("</summary>\n");
        table(header, rows);
        body().append("</details>\n");
        return this;
    }

    /** Name-value pairs as a two-column table, in groups side by side ({@code groups}: a title and its pairs). */
    public HtmlReport facts(List<String> groupTitles, List<List<String[]>> groups) {
        StringBuilder b = body().append("<div class=\"facts\">\n");
        for (int g = 0; g < groups.size(); g++) {
            b.append("<div class=\"fact-group\"><h3>").append(escape(groupTitles.get(g))).append("</h3>\n<table class=\"kv\"><tbody>\n");
            for (String[] kv : groups.get(g)) {
                b.append("<tr><th>").append(escape(kv[0])).append("</th><td>").append(escape(kv[1])).append("</td></tr>\n");
            }
            b.append("</tbody></table></div>\n");
        }
        b.append("</div>\n");
        return this;
    }

    /** Pictures in a grid of two columns (a wide one takes a whole row). */
    public HtmlReport figures(List<Figure> figures) {
        StringBuilder b = body().append("<div class=\"figures\">\n");
        for (Figure f : figures) {
            b.append("<figure class=\"").append(f.wide() ? "wide" : "half").append("\"><img src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(f.png())).append("\" alt=\"").append(escape(f.alt())).append('"')
                    .append(f.pixelated() ? " class=\"pixelated\"" : "").append(" />");
            if (f.caption() != null && !f.caption().isBlank()) b.append("<figcaption>").append(escape(f.caption())).append("</figcaption>");
            b.append("</figure>\n");
        }
        b.append("</div>\n");
        return this;
    }

    /** The page. */
    public String render() {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n<title>").append(escape(title)).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<header>\n<div class=\"inner\">\n<div class=\"brand\">Latent4j run report</div>\n<h1>")
                .append(escape(title)).append("</h1>\n");
        if (subtitle != null && !subtitle.isBlank()) h.append("<div class=\"subtitle\">").append(escape(subtitle)).append("</div>\n");
        if (!headerFacts.isEmpty()) {
            h.append("<div class=\"headline\">\n");
            for (String[] f : headerFacts) {
                h.append("<div class=\"card\"><div class=\"value\">").append(escape(f[1])).append("</div><div class=\"label\">").append(escape(f[0]))
                        .append("</div></div>\n");
            }
            h.append("</div>\n");
        }
        h.append("</div>\n</header>\n<main>\n<nav class=\"toc\"><h2>Contents</h2>\n<ol>\n");
        for (Section s : sections) h.append("<li><a href=\"#").append(s.id()).append("\">").append(escape(s.heading())).append("</a></li>\n");
        h.append("</ol>\n</nav>\n");
        for (Section s : sections) {
            h.append("<section id=\"").append(s.id()).append("\">\n<h2>").append(escape(s.heading())).append("</h2>\n").append(s.body()).append("</section>\n");
        }
        h.append("</main>\n<footer>Written by latent4j report. Self-contained: the pictures are embedded, nothing is fetched.</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private StringBuilder body() {
        if (sections.isEmpty()) throw new IllegalStateException("HtmlReport: start a section first");
        return sections.getLast().body();
    }

    /** Text as HTML (and XML) character data or attribute value. */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // control characters are not allowed in XML; a tab or a newline is kept
                    if (c < 0x20 && c != '\n' && c != '\t') b.append(' ');
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            *{box-sizing:border-box}
            body{margin:0;font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue","DejaVu Sans",Arial,sans-serif;color:#24292f;background:#f4f6f8;line-height:1.5}
            header{background:linear-gradient(135deg,#1f3b57,#2f5f8a);color:#fff;padding:28px 0 24px}
            header .inner,main,footer{max-width:1160px;margin:0 auto;padding:0 24px}
            .brand{text-transform:uppercase;letter-spacing:.12em;font-size:12px;opacity:.75}
            h1{margin:4px 0 4px;font-size:28px;font-weight:600;word-break:break-all}
            .subtitle{opacity:.85;font-size:15px}
            .headline{display:flex;flex-wrap:wrap;gap:12px;margin-top:18px}
            .card{background:rgba(255,255,255,.12);border:1px solid rgba(255,255,255,.22);border-radius:8px;padding:8px 16px;min-width:130px}
            .card .value{font-size:21px;font-weight:600}
            .card .label{font-size:12px;opacity:.8;text-transform:uppercase;letter-spacing:.06em}
            main{padding-top:20px;padding-bottom:12px}
            nav.toc{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:10px 20px;margin-bottom:20px}
            nav.toc h2{font-size:14px;text-transform:uppercase;letter-spacing:.08em;color:#57606a;margin:4px 0 2px;border:0;padding:0}
            nav.toc ol{margin:4px 0 6px;padding-left:20px;columns:3;column-gap:32px}
            nav.toc a{color:#2f5f8a;text-decoration:none}
            section{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:6px 24px 18px;margin-bottom:20px}
            h2{font-size:21px;margin:14px 0 10px;padding-bottom:6px;border-bottom:2px solid #e8edf2}
            h3{font-size:15px;margin:14px 0 6px;color:#3d4852}
            p{margin:6px 0 10px}
            table{border-collapse:collapse;font-size:13.5px;margin:4px 0 12px;min-width:50%}
            th,td{padding:5px 12px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
            thead th{background:#f1f4f7;font-weight:600}
            tbody tr:nth-child(even) td{background:#fafbfc}
            td.num{font-variant-numeric:tabular-nums;font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px}
            table.kv{min-width:0;width:100%}
            table.kv th{font-weight:500;color:#57606a;width:34%;white-space:nowrap}
            table.kv td{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px;overflow-wrap:anywhere}
            .facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:8px 28px}
            details{margin:4px 0 12px}
            summary{cursor:pointer;color:#2f5f8a;font-size:14px;margin:6px 0}
            .figures{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin:8px 0}
            figure{margin:0;background:#fff;border:1px solid #eaeef2;border-radius:6px;padding:8px;text-align:center}
            figure.wide{grid-column:1 / -1}
            figure img{max-width:100%;height:auto}
            img.pixelated{image-rendering:pixelated}
            figcaption{font-size:13px;color:#57606a;margin-top:6px}
            .note{border-radius:6px;padding:10px 14px;margin:8px 0 12px;font-size:14px;border-left:5px solid}
            .note.good{background:#edf7ed;border-color:#3c8d40}
            .note.bad{background:#fdecea;border-color:#c62828}
            .note.info{background:#eef4fb;border-color:#2f5f8a}
            footer{color:#8c959f;font-size:12px;padding-bottom:28px}
            @media (max-width:800px){.figures{grid-template-columns:1fr}nav.toc ol{columns:1}}
            """;
}
