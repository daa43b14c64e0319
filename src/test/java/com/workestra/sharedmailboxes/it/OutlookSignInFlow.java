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
import java.util.UUID;

/**
 * A person connecting Outlook, as the browser would do it: start at the service, sign in at Microsoft (the emulator
 * signs in the login_hint user without a page in tests), then carry Microsoft's form_post back to the callback.
 */
public final class OutlookSignInFlow {

    private OutlookSignInFlow() {
    }

    /** The outcome the browser lands on: {@code ?connection=} or {@code ?error=}. */
    public record Landing(URI location, String connectionId, String error) {
        public UUID connection() {
            if (connectionId == null) {
                throw new AssertionError("no connection, landed on " + location);
            }
            return UUID.fromString(connectionId);
        }
    }

    public static Landing connect(ApiClient user, String microsoftUpn) {
        return connect(user, microsoftUpn, null);
    }

    public static Landing connect(ApiClient user, String microsoftUpn, UUID reconnectConnectionId) {
        FormPostResponse answer = signInAtMicrosoft(user, microsoftUpn, reconnectConnectionId);
        return postBack(user, answer);
    }

    public static FormPostResponse signInAtMicrosoft(ApiClient user, String microsoftUpn, UUID reconnectConnectionId) {
        String body = reconnectConnectionId == null ? "{}" : "{\"reconnectConnectionId\":\"" + reconnectConnectionId + "\"}";
        var started = user.post("/api/v1/outlook/authorizations", body);
        if (started.status() != 201) {
            throw new AssertionError("authorization not started: " + started);
        }
        // The person types (or confirms) the account to sign in with: that replaces any hint the service gave.
        String url = started.json().get("authorizationUrl").asText().replaceAll("&login_hint=[^&]*", "")
                + "&login_hint=" + URLEncoder.encode(microsoftUpn, StandardCharsets.UTF_8);
        M365Emulator emulator = IntegrationEnvironment.emulator();
        HttpClient browser = HttpClient.newBuilder().sslContext(emulator.clientSslContext())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return FormPostResponse.parse(page.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Posts Microsoft's answer to the service's callback (the test reaches it on its plain-HTTP port). */
    public static Landing postBack(ApiClient api, FormPostResponse answer) {
        StringBuilder form = new StringBuilder();
        answer.fields().forEach((name, value) -> form.append(form.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        var reply = api.send(HttpRequest.newBuilder(api.uri("/api/v1/outlook/callback"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())));
        if (reply.status() != 303) {
            throw new AssertionError("callback answered " + reply);
        }
        URI location = URI.create(reply.header("Location"));
        return new Landing(location, parameter(location, "connection"), parameter(location, "error"));
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
}
