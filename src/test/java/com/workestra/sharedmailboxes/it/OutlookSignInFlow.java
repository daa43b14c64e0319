package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.m365emulator.FormPostResponse;
import com.workestra.sharedmailboxes.m365emulator.M365Emulator;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A person connecting Outlook, as the browser would do it: start at the service (keeping the cookie its answer sets,
 * in that browser's jar), sign in at Microsoft (the emulator signs in the login_hint user without a page in tests),
 * then carry Microsoft's form_post back to the callback with the cookies that browser holds.
 */
public final class OutlookSignInFlow {

    public static final String CALLBACK = "/api/v1/outlook/callback";

    private OutlookSignInFlow() {
    }

    /** The outcome the browser lands on: {@code ?connection=} or {@code ?error=} with {@code error_description}. */
    public record Landing(URI location, String connectionId, String error, String description) {
        public UUID connection() {
            if (connectionId == null) {
                throw new AssertionError("no connection, landed on " + location);
            }
            return UUID.fromString(connectionId);
        }
    }

    /** A sign-in started in one browser and done at Microsoft: Microsoft's answer, and that browser's cookies. */
    public record Started(FormPostResponse answer, CookieJar browser, ApiClient.Reply reply) {
    }

    public static Landing connect(ApiClient user, String microsoftUpn) {
        return connect(user, microsoftUpn, null);
    }

    public static Landing connect(ApiClient user, String microsoftUpn, UUID reconnectConnectionId) {
        return finish(user, signInAtMicrosoft(user, microsoftUpn, reconnectConnectionId));
    }

    /** Microsoft's answer carried back by the browser that started the sign-in. */
    public static Landing finish(ApiClient api, Started started) {
        return postBack(api, started.answer(), started.browser());
    }

    public static Started signInAtMicrosoft(ApiClient user, String microsoftUpn, UUID reconnectConnectionId) {
        CookieJar browser = new CookieJar();
        ApiClient.Reply started = start(user, browser, reconnectConnectionId);
        if (started.status() != 201) {
            throw new AssertionError("authorization not started: " + started);
        }
        return new Started(signInAtMicrosoft(started.json().get("authorizationUrl").asText(), microsoftUpn), browser, started);
    }

    /** POST /outlook/authorizations from this browser: the binding cookie of the answer goes into its jar. */
    public static ApiClient.Reply start(ApiClient user, CookieJar browser, UUID reconnectConnectionId) {
        String body = reconnectConnectionId == null ? "{}" : "{\"reconnectConnectionId\":\"" + reconnectConnectionId + "\"}";
        ApiClient.Reply started = user.post("/api/v1/outlook/authorizations", body);
        browser.keep(started);
        return started;
    }

    /** Signs in at Microsoft with Microsoft's sign-in URL, as {@code microsoftUpn}: Microsoft's form_post answer. */
    public static FormPostResponse signInAtMicrosoft(String authorizationUrl, String microsoftUpn) {
        // The person types (or confirms) the account to sign in with: that replaces any hint the service gave.
        String url = authorizationUrl.replaceAll("&login_hint=[^&]*", "")
                + "&login_hint=" + URLEncoder.encode(microsoftUpn, StandardCharsets.UTF_8);
        M365Emulator emulator = IntegrationEnvironment.emulator();
        HttpClient microsoft = HttpClient.newBuilder().sslContext(emulator.clientSslContext())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> page = microsoft.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return FormPostResponse.parse(page.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Posts Microsoft's answer to the service's callback from {@code browser}, with the cookies it holds for the
     * callback's path (the test reaches the service on its plain-HTTP port); the answer's cookies go back into the jar.
     */
    public static Landing postBack(ApiClient api, FormPostResponse answer, CookieJar browser) {
        StringBuilder form = new StringBuilder();
        answer.fields().forEach((name, value) -> form.append(form.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(CALLBACK))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        String cookies = browser.cookieHeaderFor(CALLBACK);
        if (cookies != null) {
            request.header("Cookie", cookies);
        }
        var reply = api.send(request);
        if (reply.status() != 303) {
            throw new AssertionError("callback answered " + reply);
        }
        browser.keep(reply);
        URI location = URI.create(reply.header("Location"));
        return new Landing(location, parameter(location, "connection"), parameter(location, "error"),
                parameter(location, "error_description"));
    }

    private static String parameter(URI location, String name) {
        String query = location.getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * One browser's cookie jar for the service, as a browser keeps it: what {@code Set-Cookie} sets, dropped again by
     * {@code Max-Age=0}, sent only to the paths a cookie is scoped to. A new jar is another browser, with no cookies.
     */
    public static final class CookieJar {

        /** What a browser remembers of a cookie: its value, its path and its attributes (lower-case names). */
        public record Cookie(String name, String value, String path, Map<String, String> attributes) {
            public boolean has(String attribute) {
                return attributes.containsKey(attribute.toLowerCase(Locale.ROOT));
            }

            public String attribute(String attribute) {
                return attributes.get(attribute.toLowerCase(Locale.ROOT));
            }
        }

        private final Map<String, Cookie> cookies = new LinkedHashMap<>();

        public void keep(ApiClient.Reply reply) {
            for (String header : reply.response().headers().allValues("Set-Cookie")) {
                Cookie cookie = parse(header);
                if ("0".equals(cookie.attribute("Max-Age")) || cookie.value().isEmpty()) {
                    cookies.remove(cookie.name());
                } else {
                    cookies.put(cookie.name(), cookie);
                }
            }
        }

        /** Sets a cookie by hand, as someone tampering with their browser would. */
        public void put(String name, String value, String path) {
            cookies.put(name, new Cookie(name, value, path, Map.of()));
        }

        public Set<String> names() {
            return Set.copyOf(cookies.keySet());
        }

        public Cookie cookie(String name) {
            return cookies.get(name);
        }

        /** The only cookie this browser holds; a test that expects exactly one fails otherwise. */
        public Cookie only() {
            if (cookies.size() != 1) {
                throw new AssertionError("expected one cookie, the browser holds " + cookies.keySet());
            }
            return cookies.values().iterator().next();
        }

        String cookieHeaderFor(String requestPath) {
            StringBuilder header = new StringBuilder();
            for (Cookie cookie : cookies.values()) {
                String path = cookie.path() == null ? "/" : cookie.path();
                if (requestPath.equals(path) || requestPath.startsWith(path.endsWith("/") ? path : path + "/")) {
                    header.append(header.length() == 0 ? "" : "; ").append(cookie.name()).append('=').append(cookie.value());
                }
            }
            return header.length() == 0 ? null : header.toString();
        }

        private static Cookie parse(String header) {
            String[] parts = header.split(";");
            int eq = parts[0].indexOf('=');
            String name = parts[0].substring(0, eq).trim();
            String value = parts[0].substring(eq + 1).trim();
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i].trim();
                int at = part.indexOf('=');
                attributes.put((at < 0 ? part : part.substring(0, at)).trim().toLowerCase(Locale.ROOT),
                        at < 0 ? "" : part.substring(at + 1).trim());
            }
            return new Cookie(name, value, attributes.get("path"), Map.copyOf(attributes));
        }
    }
}
