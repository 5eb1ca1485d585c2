package dev.jresnet.bench;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Throughput (images/s) against batch size, one line per backend, as a PNG (JFreeChart, headless). */
final class ThroughputChart {
    private ThroughputChart() {
    }

    static void write(BenchReport report, String title, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Measurement m : report.measurements()) {
            series.computeIfAbsent(m.backend(), XYSeries::new).add(m.batch(), m.imagesPerSecond());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        JFreeChart chart = ChartFactory.createXYLineChart(title, "batch size", "images / second", data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis batch = new LogAxis("batch size");
        batch.setBase(2);
        batch.setSmallestValue(1);
        plot.setDomainAxis(batch);
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 560);
    }
}
