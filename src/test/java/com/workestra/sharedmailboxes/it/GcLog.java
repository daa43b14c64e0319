package com.workestra.sharedmailboxes.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server's {@code -Xlog:gc} file read back: the heap each collection left behind ("150M->60M(512M)": 60 MB). Its
 * largest value is what the server really had to keep (the live set and the garbage no collection had reached yet),
 * where the heap sampled between collections shows how far G1 let young garbage pile up.
 */
final class GcLog {

    private static final Pattern PAUSE = Pattern.compile("\\bGC\\(\\d+\\) Pause (.*?)(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private GcLog() {
    }

    /**
     * The largest heap left behind, in MB (10^6 bytes, like the sampled figure), each NaN when no such pause was logged:
     *
     * @param afterAny   after any pause;
     * @param afterYoung after a young collection (mixed ones included), the pauses that copy what is live out of the
     *                   young regions: Remark and Cleanup pauses free no young region, so the largest after any pause
     *                   may be only the young garbage of the moment;
     * @param afterMixed after a mixed collection, which also reclaims the old regions marking found mostly garbage: the
     *                   closest this log comes to the live set
     */
    record Maxima(double afterAny, double afterYoung, double afterMixed) {
    }

    /** The maxima of a log file; all NaN when there is none. */
    static Maxima read(Path log) {
        try {
            return Files.exists(log) ? of(Files.readAllLines(log)) : of(List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Maxima of(List<String> lines) {
        double any = Double.NaN;
        double young = Double.NaN;
        double mixed = Double.NaN;
        for (String line : lines) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                double after = bytes(pause.group(4), pause.group(5)) / 1e6;
                any = max(any, after);
                if (pause.group(1).startsWith("Young")) {
                    young = max(young, after);
                }
                if (pause.group(1).startsWith("Young (Mixed)")) {
                    mixed = max(mixed, after);
                }
            }
        }
        return new Maxima(any, young, mixed);
    }

    private static double max(double sofar, double value) {
        return Double.isNaN(sofar) ? value : Math.max(sofar, value);
    }

    private static double bytes(String amount, String unit) {
        double value = Double.parseDouble(amount);
        return switch (unit) {
            case "K" -> value * 1024;
            case "M" -> value * 1024 * 1024;
            default -> value * 1024 * 1024 * 1024;
        };
    }
}
