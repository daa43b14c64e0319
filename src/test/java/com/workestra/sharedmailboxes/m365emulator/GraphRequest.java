package com.workestra.sharedmailboxes.m365emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Graph URL path split into segments the way OData reads it: {@code mailFolders('Inbox')} is two
 * segments, {@code delta()} and {@code microsoft.graph.delta} are {@code delta}.
 */
final class GraphRequest {

    private static final Pattern KEY_SEGMENT = Pattern.compile("^([^(]+)\\('(.*)'\\)$");
    private static final Pattern CALL_SEGMENT = Pattern.compile("^([^(]+)\\(\\)$");

    final List<String> segments;

    private GraphRequest(List<String> segments) {
        this.segments = segments;
    }

    static GraphRequest parse(String rawPathAfterVersion) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPathAfterVersion.split("/")) {
            if (raw.isEmpty()) {
                continue;
            }
            String segment = HttpCall.decode(raw.replace("+", "%2B"));
            Matcher key = KEY_SEGMENT.matcher(segment);
            Matcher call = CALL_SEGMENT.matcher(segment);
            if (key.matches()) {
                segments.add(stripNamespace(key.group(1)));
                segments.add(key.group(2).replace("''", "'"));
            } else if (call.matches()) {
                segments.add(stripNamespace(call.group(1)));
            } else {
                segments.add(segment);
            }
        }
        return new GraphRequest(segments);
    }

    private static String stripNamespace(String name) {
        return name.regionMatches(true, 0, "microsoft.graph.", 0, 16) ? name.substring(16) : name;
    }

    int size() {
        return segments.size();
    }

    String get(int index) {
        return segments.get(index);
    }

    /** The segment at index, lower-cased, or "" beyond the end. */
    String name(int index) {
        if (index >= segments.size()) {
            return "";
        }
        String segment = segments.get(index);
        return stripNamespace(segment).toLowerCase(Locale.ROOT);
    }
}
