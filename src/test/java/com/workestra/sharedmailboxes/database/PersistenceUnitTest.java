package com.workestra.sharedmailboxes.database;

import com.workestra.sharedmailboxes.ServiceClasses;
import jakarta.persistence.Converter;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.MappedSuperclass;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * persistence.xml lists every managed class: on WildFly EclipseLink cannot scan the WAR (vfs: URLs), so a class missing
 * from the list would be unknown there ("not a known entity type") while Payara, which scans, still works.
 */
class PersistenceUnitTest {

    @Test
    void everyEntityConverterAndEmbeddableIsListed() throws IOException {
        Set<String> listed = new TreeSet<>();
        try (InputStream xml = getClass().getResourceAsStream("/META-INF/persistence.xml")) {
            Matcher classes = Pattern.compile("<class>\\s*([\\w.$]+)\\s*</class>").matcher(new String(xml.readAllBytes()));
            while (classes.find()) {
                listed.add(classes.group(1));
            }
        }
        Set<String> managed = new TreeSet<>();
        for (Class<?> type : ServiceClasses.all()) {
            if (type.isAnnotationPresent(Entity.class) || type.isAnnotationPresent(Converter.class)
                    || type.isAnnotationPresent(Embeddable.class) || type.isAnnotationPresent(MappedSuperclass.class)) {
                managed.add(type.getName());
            }
        }
        assertEquals(managed, listed, "the <class> entries of persistence.xml");
    }
}
