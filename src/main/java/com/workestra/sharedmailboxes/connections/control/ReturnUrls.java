package com.workestra.sharedmailboxes.connections.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where the browser goes after the Outlook sign-in. Only this service's own origin and the configured Workestra UI
 * origins are accepted, so the callback can never be turned into an open redirect.
 */
@ApplicationScoped
public class ReturnUrls {

    @Inject
    @ConfigProperty(name = "service.public-base-url")
    String publicBaseUrl;

    @Inject
    @ConfigProperty(name = "outlook.default-return-url")
    String defaultReturnUrl;

    @Inject
    @ConfigProperty(name = "outlook.allowed-return-origins")
    Optional<String> allowedOrigins;

    public String fallback() {
        return absolute(defaultReturnUrl);
    }

    public String validated(String returnUrl) {
        if (returnUrl == null || returnUrl.isBlank()) {
            return fallback();
        }
        String absolute;
        try {
            absolute = absolute(returnUrl.trim());
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        URI uri = URI.create(absolute);
        if (!origins().contains(origin(uri))) {
            throw invalid();
        }
        return absolute;
    }

    public URI withParameter(String url, String name, String value) {
        String separator = url.contains("?") ? "&" : "?";
        return URI.create(url + separator + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    private String absolute(String url) {
        URI uri = URI.create(url);
        if (uri.isAbsolute()) {
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("not a web address");
            }
            return uri.toString();
        }
        if (!url.startsWith("/") || url.startsWith("//")) {
            throw new IllegalArgumentException("relative return URLs start with a single /");
        }
        return publicBaseUrl.replaceAll("/+$", "") + url;
    }

    private Set<String> origins() {
        Set<String> origins = allowedOrigins.map(list -> Arrays.stream(list.split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).map(s -> origin(URI.create(s))).collect(Collectors.toSet()))
                .orElseGet(Set::of);
        return union(origins, origin(URI.create(publicBaseUrl)));
    }

    private static Set<String> union(Set<String> origins, String own) {
        var all = new java.util.HashSet<>(origins);
        all.add(own);
        return all;
    }

    private static String origin(URI uri) {
        int port = uri.getPort();
        return (uri.getScheme() + "://" + uri.getHost() + (port < 0 ? "" : ":" + port)).toLowerCase();
    }

    private static ServiceException invalid() {
        return new ServiceException(ProblemCode.INVALID_REQUEST,
                "returnUrl must be a path of this service or an address on an allowed Workestra origin.");
    }
}
