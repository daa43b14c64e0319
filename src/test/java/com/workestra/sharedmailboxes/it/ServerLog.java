package com.workestra.sharedmailboxes.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A server's log files ({@code --logtofile}: {@code name} and the files it is rotated into, {@code name.0},
 * {@code name.1}) as they stood at one moment, so that what the server logs afterwards can be read apart from the lines
 * of earlier runs, which Payara keeps and appends to.
 */
record ServerLog(Path dir, String name, Map<Path, Long> sizes) {

    static ServerLog now(Path dir, String name) throws IOException {
        return new ServerLog(dir, name, files(dir, name));
    }

    /** Lines containing {@code text} that the server logged since this snapshot (a file shorter than it was, rotated, is read whole). */
    long linesAddedContaining(String text) throws IOException {
        long count = 0;
        for (Map.Entry<Path, Long> file : files(dir, name).entrySet()) {
            long before = sizes.getOrDefault(file.getKey(), 0L);
            try (InputStream in = Files.newInputStream(file.getKey())) {
                in.skipNBytes(file.getValue() >= before ? before : 0);
                count += new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).lines().filter(line -> line.contains(text)).count();
            }
        }
        return count;
    }

    private static Map<Path, Long> files(Path dir, String name) throws IOException {
        Map<Path, Long> sizes = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return sizes;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(file -> file.getFileName().toString().matches(Pattern.quote(name) + "(\\.\\d+)?")).toList()) {
                sizes.put(file, Files.size(file));
            }
        }
        return sizes;
    }
}
