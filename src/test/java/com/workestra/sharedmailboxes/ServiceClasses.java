package com.workestra.sharedmailboxes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The classes compiled from src/main/java: for tests of the code's own rules. */
public final class ServiceClasses {

    private ServiceClasses() {
    }

    /** Each class, loaded without being initialised. */
    public static List<Class<?>> all() {
        Path root = root();
        List<Class<?>> types = new ArrayList<>();
        for (Path file : files()) {
            String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
            try {
                types.add(Class.forName(name, false, ServiceClasses.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return types;
    }

    /** The class files themselves, for tests that read what the compiled code names. */
    public static List<Path> files() {
        try (Stream<Path> files = Files.walk(root())) {
            return files.filter(f -> f.toString().endsWith(".class")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** target/classes, where persistence.xml is compiled to (not target/test-classes). */
    private static Path root() {
        try {
            return Path.of(ServiceClasses.class.getResource("/META-INF/persistence.xml").toURI()).getParent().getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
