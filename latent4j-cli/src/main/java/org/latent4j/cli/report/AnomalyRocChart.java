package org.latent4j.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.latent4j.core.io.AtomicFiles;
import org.latent4j.core.eval.RankingMetrics;

/** The ROC curve of an anomaly score as a PNG (XChart): the curve, the chance diagonal, and the area in the legend. */
public final class AnomalyRocChart {
    private AnomalyRocChart() {}

    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    public static XYChart chart(String title, String scoreName, RankingMetrics.RocCurve roc, double auroc) {
        XYChart chart = new XYChartBuilder().width(640).height(560).title(title).xAxisTitle("false-positive rate (normal rows flagged)")
                .yAxisTitle("true-positive rate (anomalies flagged)").build();
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        chart.getStyler().setChartBackgroundColor(Color.WHITE).setPlotBorderVisible(true).setLegendPosition(
                org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        XYSeries curve = chart.addSeries(String.format(Locale.ROOT, "%s (AUROC %.3f)", scoreName, auroc), roc.fpr(), roc.tpr());
        curve.setMarker(SeriesMarkers.NONE).setLineColor(new Color(52, 101, 164)).setLineStyle(new BasicStroke(2f));
        XYSeries chance = chart.addSeries("chance (AUROC 0.5)", new double[] {0, 1}, new double[] {0, 1});
        chance.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY)
                .setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        return chart;
    }

    /** Writes the chart to {@code file} atomically. */
    public static void write(Path file, String title, String scoreName, RankingMetrics.RocCurve roc, double auroc) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart(title, scoreName, roc, auroc), BitmapEncoder.BitmapFormat.PNG);
        AtomicFiles.write(file, png);
    }
}
