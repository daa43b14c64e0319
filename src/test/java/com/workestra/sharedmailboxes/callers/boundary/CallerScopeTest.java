package com.workestra.sharedmailboxes.callers.boundary;

import com.workestra.sharedmailboxes.ServiceClasses;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CallerProducer#caller()} produces a {@code @Dependent} {@link Caller} (a record: no normal scope can proxy it),
 * so a bean that injects one keeps the caller of the request it was made for. Only a request-scoped bean may: an
 * application-scoped resource would answer every request as its first caller.
 */
class CallerScopeTest {

    @Test
    void everyBeanThatInjectsTheCallerLivesForOneRequest() {
        Set<String> injecting = new TreeSet<>();
        Set<String> notPerRequest = new TreeSet<>();
        for (Class<?> type : ServiceClasses.all()) {
            boolean injectsCaller = Arrays.stream(type.getDeclaredFields())
                    .anyMatch(field -> field.getType() == Caller.class && field.isAnnotationPresent(Inject.class));
            if (injectsCaller) {
                injecting.add(type.getSimpleName());
                if (!type.isAnnotationPresent(RequestScoped.class)) {
                    notPerRequest.add(type.getName());
                }
            }
        }
        assertTrue(injecting.contains("MessagesResource"), "the scan finds the resources: " + injecting);
        assertEquals(Set.of(), notPerRequest, "beans that would keep one request's caller");
    }
}
