package io.highwater.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Ack latency p50 and p99 (log scale) against offered load for single-event appends: the open-loop rates,
 * and the closed-loop maximum at the rate it reached (drawn as a square). Drawn by JFreeChart.
 */
final class Plot {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;
  private static final Color P50 = new Color(0x1f77b4);
  private static final Color P99 = new Color(0xd62728);

  private Plot() {}

  private record Point(double load, double p50, double p99, boolean closedLoop) {}

  static void write(Results results, Path png) throws IOException {
    List<Point> points = new ArrayList<>();
    // The open-loop rates and the maximum they are fractions of; the other closed-loop phases load other keys.
    Phase max = results.singleMax();
    for (Phase p : results.phases()) {
      boolean closed = p == max;
      if ((p.kind != Phase.Kind.OPEN && !closed) || p.ack.getTotalCount() == 0) {
        continue;
      }
      points.add(new Point(closed ? p.appendsPerSecond() : p.offeredRate, Report.p(p.ack, 50), Report.p(p.ack, 99), closed));
    }
    points.sort(Comparator.comparingDouble(Point::load));
    System.setProperty("java.awt.headless", "true");
    ChartUtils.saveChartAsPNG(png.toFile(), chart(points), WIDTH, HEIGHT);
  }

  private static JFreeChart chart(List<Point> points) {
    // A log axis cannot show 0: a latency below 10 µs is drawn at 10 µs.
    double floor = 0.01;
    XYSeries p99 = new XYSeries("p99", false);
    XYSeries p50 = new XYSeries("p50", false);
    for (Point p : points) {
      p99.add(p.load(), Math.max(floor, p.p99()));
      p50.add(p.load(), Math.max(floor, p.p50()));
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(p99);
    data.addSeries(p50);

    NumberAxis load = new NumberAxis("offered load (single-event appends/s)");
    load.setAutoRangeIncludesZero(true);
    LogAxis latency = new LogAxis("ack latency (ms, log scale)");
    latency.setSmallestValue(floor);
    // Ticks at whole decades, written as plain milliseconds rather than powers of ten.
    latency.setTickUnit(new NumberTickUnit(1.0));
    latency.setNumberFormatOverride(new DecimalFormat("#,##0.##", DecimalFormatSymbols.getInstance(Locale.ROOT)));
    latency.setMinorTickCount(9);
    // Whole decades from below the lowest p50 to above the highest p99, as many as that takes.
    double low = points.stream().mapToDouble(p -> Math.max(floor, p.p50())).min().orElse(0.1);
    double high = points.stream().mapToDouble(p -> Math.max(floor, p.p99())).max().orElse(1);
    int lowDecade = (int) Math.floor(Math.log10(low));
    int highDecade = Math.max(lowDecade + 1, (int) Math.ceil(Math.log10(high)));
    latency.setRange(Math.pow(10, lowDecade), Math.pow(10, highDecade));
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true) {
      @Override
      public java.awt.Shape getItemShape(int series, int item) {
        return points.get(item).closedLoop() ? new Rectangle2D.Double(-5, -5, 10, 10) : new Ellipse2D.Double(-5, -5, 10, 10);
      }
    };
    renderer.setSeriesPaint(0, P99);
    renderer.setSeriesPaint(1, P50);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    renderer.setSeriesStroke(1, new BasicStroke(2f));
    XYPlot plot = new XYPlot(data, load, latency, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xdddddd));
    plot.setRangeGridlinePaint(new Color(0xdddddd));
    for (Point p : points) {
      if (p.closedLoop()) {
        XYTextAnnotation note = new XYTextAnnotation("closed-loop max  ", p.load(), Math.max(floor, p.p99()));
        note.setTextAnchor(TextAnchor.CENTER_RIGHT);
        note.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        note.setPaint(Color.DARK_GRAY);
        plot.addAnnotation(note);
      }
    }
    JFreeChart chart = new JFreeChart("Highwater: ack latency against offered load", new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }
}
