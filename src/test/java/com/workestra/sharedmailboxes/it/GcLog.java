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

    private static final Pattern PAUSE = Pattern.compile("\\bGC\\(\\d+\\) Pause .*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private GcLog() {
    }

    /** Largest heap after a collection, in MB (10^6 bytes, like the sampled figure); NaN when no collection was logged. */
    static double maxAfterCollectionMb(Path log) {
        try {
            return Files.exists(log) ? maxAfterCollectionMb(Files.readAllLines(log)) : Double.NaN;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Largest heap after a mixed collection, in MB: the pauses that also reclaim the old regions marking found mostly
     * garbage, so the closest this log comes to the live set; NaN when none was logged.
     */
    static double maxAfterMixedCollectionMb(Path log) {
        return maxAfterMb(log, "Pause Young (Mixed)");
    }

    /**
     * Largest heap after a young collection (mixed ones included), in MB: the pauses that copy what is live out of the
     * young regions. Remark and Cleanup pauses free no young region, so the largest after any pause may be only the
     * young garbage of the moment; NaN when none was logged.
     */
    static double maxAfterYoungCollectionMb(Path log) {
        return maxAfterMb(log, "Pause Young");
    }

    private static double maxAfterMb(Path log, String pause) {
        try {
            return Files.exists(log) ? maxAfterCollectionMb(Files.readAllLines(log).stream()
                    .filter(line -> line.contains(pause)).toList()) : Double.NaN;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double maxAfterCollectionMb(List<String> lines) {
        double max = Double.NaN;
        for (String line : lines) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                double after = bytes(pause.group(3), pause.group(4)) / 1e6;
                max = Double.isNaN(max) ? after : Math.max(max, after);
            }
        }
        return max;
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
