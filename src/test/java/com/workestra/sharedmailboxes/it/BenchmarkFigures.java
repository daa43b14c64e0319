package com.workestra.sharedmailboxes.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures a benchmark run measured, each beside its target: every one is printed with "met" or "MISSED" (or as a
 * reference without a target), and {@link #assertAllMet()} fails the run once all of them are written when any target
 * was missed. A figure that could not be measured (NaN) misses its target.
 */
public final class BenchmarkFigures {

    /** Which way a figure has to go to meet its target. */
    public enum Target {
        AT_LEAST(">="), AT_MOST("<="), NONE("");

        final String sign;

        Target(String sign) {
            this.sign = sign;
        }
    }

    public record Figure(String name, double measured, String unit, Target target, double bound) {

        public boolean met() {
            return switch (target) {
                case AT_LEAST -> !Double.isNaN(measured) && measured >= bound;
                case AT_MOST -> !Double.isNaN(measured) && measured <= bound;
                case NONE -> true;
            };
        }

        public String line() {
            String value = Double.isNaN(measured) ? "not measured" : number(measured) + unit;
            if (target == Target.NONE) {
                return String.format(Locale.ROOT, "  %-78s %16s   (reference, no target)", name, value);
            }
            return String.format(Locale.ROOT, "  %-78s %16s   target %s %s%s   %s", name, value, target.sign, number(bound), unit,
                    met() ? "met" : "MISSED");
        }

        private static String number(double value) {
            return value == Math.rint(value) && Math.abs(value) < 1e15
                    ? String.format(Locale.ROOT, "%,d", (long) value)
                    : String.format(Locale.ROOT, "%,.1f", value);
        }
    }

    private final List<Figure> figures = new ArrayList<>();

    public Figure atLeast(String name, double measured, double target, String unit) {
        return add(new Figure(name, measured, unit, Target.AT_LEAST, target));
    }

    public Figure atMost(String name, double measured, double target, String unit) {
        return add(new Figure(name, measured, unit, Target.AT_MOST, target));
    }

    /** A figure shown for comparison (a raw limit, an unfiltered page) that has no target of its own. */
    public Figure reference(String name, double measured, String unit) {
        return add(new Figure(name, measured, unit, Target.NONE, Double.NaN));
    }

    private synchronized Figure add(Figure figure) {
        figures.add(figure);
        return figure;
    }

    public synchronized List<Figure> all() {
        return List.copyOf(figures);
    }

    public synchronized List<Figure> missed() {
        return figures.stream().filter(figure -> !figure.met()).toList();
    }

    /** Every figure, one per line, with its target and whether it was met. */
    public synchronized String report() {
        StringBuilder report = new StringBuilder();
        for (Figure figure : figures) {
            report.append(figure.line()).append('\n');
        }
        List<Figure> missed = missed();
        long withTarget = figures.stream().filter(figure -> figure.target() != Target.NONE).count();
        report.append(missed.isEmpty() ? String.format(Locale.ROOT, "all %d targets met%n", withTarget)
                : String.format(Locale.ROOT, "%d of %d targets MISSED%n", missed.size(), withTarget));
        return report.toString();
    }

    /** Fails, naming each missed figure, when any target was missed; call it after every figure is written. */
    public void assertAllMet() {
        List<Figure> missed = missed();
        if (!missed.isEmpty()) {
            StringBuilder message = new StringBuilder(missed.size() + " benchmark target(s) missed:\n");
            missed.forEach(figure -> message.append(figure.line()).append('\n'));
            throw new AssertionError(message.toString());
        }
    }
}
