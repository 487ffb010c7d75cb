package io.highwater.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Ack latency p50 and p99 (log scale) against offered load for single-event appends: the open-loop rates,
 * and the closed-loop maximum at the rate it reached.
 */
final class Plot {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 40;
  private static final int TOP = 60;
  private static final int BOTTOM = 70;
  private static final Color P50 = new Color(0x1f77b4);
  private static final Color P99 = new Color(0xd62728);

  static {
    System.setProperty("java.awt.headless", "true");
  }

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
    ImageIO.write(draw(points), "png", png.toFile());
  }

  private static BufferedImage draw(List<Point> points) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

    double maxLoad = Math.max(1, points.stream().mapToDouble(Point::load).max().orElse(1)) * 1.1;
    double minMs = Math.max(0.01, points.stream().mapToDouble(Point::p50).min().orElse(0.1));
    double maxMs = Math.max(minMs * 10, points.stream().mapToDouble(Point::p99).max().orElse(1));
    int lowDecade = (int) Math.floor(Math.log10(minMs));
    int highDecade = (int) Math.ceil(Math.log10(maxMs));
    Axes axes = new Axes(maxLoad, lowDecade, highDecade);

    // grid and labels
    g.setColor(new Color(0xdddddd));
    for (int d = lowDecade; d <= highDecade; d++) {
      int y = axes.y(Math.pow(10, d));
      g.drawLine(LEFT, y, WIDTH - RIGHT, y);
    }
    double step = niceStep(maxLoad / 6);
    for (double x = 0; x <= maxLoad; x += step) {
      g.drawLine(axes.x(x), TOP, axes.x(x), HEIGHT - BOTTOM);
    }
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    for (int d = lowDecade; d <= highDecade; d++) {
      String label = d < 0 ? String.format(Locale.ROOT, "%." + (-d) + "f", Math.pow(10, d)) : String.format(Locale.ROOT, "%.0f", Math.pow(10, d));
      g.drawString(label, LEFT - 8 - g.getFontMetrics().stringWidth(label), axes.y(Math.pow(10, d)) + 4);
    }
    for (double x = 0; x <= maxLoad; x += step) {
      String label = String.format(Locale.ROOT, "%,.0f", x);
      g.drawString(label, axes.x(x) - g.getFontMetrics().stringWidth(label) / 2, HEIGHT - BOTTOM + 18);
    }
    g.drawString("offered load (single-event appends/s)", WIDTH / 2 - 110, HEIGHT - 25);
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.rotate(-Math.PI / 2);
    rotated.drawString("ack latency (ms, log scale)", -(HEIGHT / 2) - 80, 22);
    rotated.dispose();
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString("Highwater: ack latency against offered load", LEFT, 35);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));

    series(g, axes, points, true, P99);
    series(g, axes, points, false, P50);
    for (Point p : points) {
      if (p.closedLoop()) {
        g.setColor(Color.DARK_GRAY);
        g.drawString("closed-loop max", axes.x(p.load()) - 105, axes.y(p.p99()) + 4);
      }
    }
    legend(g, "p99", P99, 0);
    legend(g, "p50", P50, 1);
    g.dispose();
    return image;
  }

  private static void series(Graphics2D g, Axes axes, List<Point> points, boolean p99, Color color) {
    g.setColor(color);
    g.setStroke(new BasicStroke(2f));
    int[] last = null;
    for (Point p : points) {
      double ms = p99 ? p.p99() : p.p50();
      int[] xy = {axes.x(p.load()), axes.y(Math.max(ms, axes.floor()))};
      if (last != null) {
        g.drawLine(last[0], last[1], xy[0], xy[1]);
      }
      if (p.closedLoop()) {
        g.fillRect(xy[0] - 5, xy[1] - 5, 10, 10);
      } else {
        g.fillOval(xy[0] - 5, xy[1] - 5, 10, 10);
      }
      last = xy;
    }
  }

  private static void legend(Graphics2D g, String name, Color color, int row) {
    int x = LEFT + 15;
    int y = TOP + 20 + row * 20;
    g.setColor(color);
    g.fillRect(x, y - 8, 20, 8);
    g.setColor(Color.BLACK);
    g.drawString(name, x + 28, y);
  }

  private static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * magnitude >= raw) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private record Axes(double maxLoad, int lowDecade, int highDecade) {
    int x(double load) {
      return LEFT + (int) Math.round(load / maxLoad * (WIDTH - LEFT - RIGHT));
    }

    int y(double ms) {
      double f = (Math.log10(ms) - lowDecade) / (highDecade - lowDecade);
      return HEIGHT - BOTTOM - (int) Math.round(f * (HEIGHT - TOP - BOTTOM));
    }

    double floor() {
      return Math.pow(10, lowDecade);
    }
  }
}
