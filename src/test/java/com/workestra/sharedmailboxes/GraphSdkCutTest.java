package com.workestra.sharedmailboxes;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR carries the Graph SDK cut down to what pom.xml's {@code microsoft-graph-mail} assembly includes; the code
 * compiles against the whole SDK. Every SDK class the service's compiled classes name must be in the cut, or the WAR
 * fails with NoClassDefFoundError on that path (the unit tests, on the whole SDK, would not notice).
 */
class GraphSdkCutTest {

    static final Pattern NAMED = Pattern.compile("com/microsoft/graph/(?!core/)[A-Za-z0-9_/$]+");
    static final Pattern INCLUDE = Pattern.compile("<include>(com/microsoft/graph/[^<]+)</include>");

    @Test
    void everyGraphSdkClassTheServiceNamesIsInTheWarsCutOfTheSdk() throws IOException {
        List<PathMatcher> cut = INCLUDE.matcher(Files.readString(Path.of("pom.xml"))).results()
                .map(include -> FileSystems.getDefault().getPathMatcher("glob:" + include.group(1).replace("**", "{**,*}")))
                .toList();
        assertFalse(cut.isEmpty(), "pom.xml names what the WAR keeps of the Graph SDK");

        Set<String> named = new TreeSet<>();
        for (Path file : ServiceClasses.files()) {
            Matcher matcher = NAMED.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            while (matcher.find()) {
                named.add(matcher.group());
            }
        }
        assertTrue(named.contains("com/microsoft/graph/serviceclient/GraphServiceClient"), "the scan sees the SDK's classes");
        Set<String> missing = new TreeSet<>();
        for (String name : named) {
            Path asFile = Path.of(name + ".class");
            if (cut.stream().noneMatch(matcher -> matcher.matches(asFile))) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "named by the service but left out of the WAR's Graph SDK (pom.xml, microsoft-graph-mail)");
    }

    /** Packages of the libraries pom.xml's packagingExcludes leaves out of the WAR although the SDK depends on them. */
    static final Pattern LEFT_OUT = Pattern.compile("(com/azure/core|com/azure/xml|reactor/core|org/reactivestreams|io/jsonwebtoken"
            + "|com/auth0/jwk|com/google/common|javax/xml/stream|io/prometheus/metrics/expositionformats/internal"
            + "|com/microsoft/kiota/authentication/Azure|com/microsoft/graph/core/authentication/Azure)[A-Za-z0-9_/$]*");

    @Test
    void theServiceNamesNothingOfTheLibrariesTheWarLeavesOut() throws IOException {
        assertTrue(LEFT_OUT.matcher("com/azure/core/credential/TokenCredential").matches(), "the pattern names what is left out");
        Set<String> named = new TreeSet<>();
        for (Path file : ServiceClasses.files()) {
            Matcher matcher = LEFT_OUT.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            while (matcher.find()) {
                named.add(file.getFileName() + " -> " + matcher.group());
            }
        }
        assertEquals(Set.of(), named, "named by the service but left out of the WAR (pom.xml, maven-war-plugin packagingExcludes)");
    }
}
