package com.workestra.sharedmailboxes.database;

import jakarta.persistence.Converter;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.MappedSuperclass;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * persistence.xml lists every managed class: on WildFly EclipseLink cannot scan the WAR (vfs: URLs), so a class missing
 * from the list would be unknown there ("not a known entity type") while Payara, which scans, still works.
 */
class PersistenceUnitTest {

    @Test
    void everyEntityConverterAndEmbeddableIsListed() throws IOException, URISyntaxException, ClassNotFoundException {
        Set<String> listed = new TreeSet<>();
        try (InputStream xml = getClass().getResourceAsStream("/META-INF/persistence.xml")) {
            Matcher classes = Pattern.compile("<class>\\s*([\\w.$]+)\\s*</class>").matcher(new String(xml.readAllBytes()));
            while (classes.find()) {
                listed.add(classes.group(1));
            }
        }
        Path root = Path.of(getClass().getResource("/META-INF/persistence.xml").toURI()).getParent().getParent();
        Set<String> managed = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                if (type.isAnnotationPresent(Entity.class) || type.isAnnotationPresent(Converter.class)
                        || type.isAnnotationPresent(Embeddable.class) || type.isAnnotationPresent(MappedSuperclass.class)) {
                    managed.add(name);
                }
            }
        }
        assertEquals(managed, listed, "the <class> entries of persistence.xml");
    }
}
