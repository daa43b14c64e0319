package com.workestra.sharedmailboxes;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator finds every setting in one place: each tunable the code reads has its default in
 * microprofile-config.properties (secrets and identities, read as Optional, have none), and docs/configuration.md lists
 * every key.
 */
class ConfigurationTest {

    private static final Pattern KEY = Pattern.compile("@ConfigProperty\\(name = \"([a-z0-9.\\-]+)\"\\)\\s+(?:private |protected |public )?([A-Za-z<>]+)");

    @Test
    void everyTunableHasItsDefaultInTheConfigFileAndEverySettingIsInTheConfigurationReference() throws IOException {
        Map<String, String> keys = keysReadByTheCode();
        Properties defaults = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/META-INF/microprofile-config.properties"))) {
            defaults.load(in);
        }
        // The first column of the reference's tables: the keys an operator looks up.
        String reference = Files.readAllLines(Path.of("docs/configuration.md")).stream()
                .filter(line -> line.startsWith("| `"))
                .map(line -> line.substring(1, line.indexOf('|', 1)))
                .collect(java.util.stream.Collectors.joining("\n"));
        TreeSet<String> withoutDefault = new TreeSet<>();
        TreeSet<String> undocumented = new TreeSet<>();
        keys.forEach((key, type) -> {
            if (!type.startsWith("Optional") && !defaults.containsKey(key)) {
                withoutDefault.add(key);
            }
            if (!reference.contains("`" + key + "`")) {
                undocumented.add(key);
            }
        });
        assertTrue(keys.size() > 30, "found " + keys.keySet());
        assertEquals(new TreeSet<>(), withoutDefault, "tunables without a default in microprofile-config.properties");
        assertEquals(new TreeSet<>(), undocumented, "keys missing from the table of docs/configuration.md");
        for (String key : defaults.stringPropertyNames()) {
            assertTrue(keys.containsKey(key) || key.startsWith("mp.") || key.equals("faces.project-stage"), "unused default " + key);
        }
    }

    private static Map<String, String> keysReadByTheCode() throws IOException {
        Map<String, String> keys = new TreeMap<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher matcher = KEY.matcher(Files.readString(source));
                while (matcher.find()) {
                    keys.put(matcher.group(1), matcher.group(2));
                }
            }
        }
        return keys;
    }
}
