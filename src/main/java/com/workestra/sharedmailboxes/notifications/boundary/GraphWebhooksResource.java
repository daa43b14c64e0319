package com.workestra.sharedmailboxes.notifications.boundary;

import com.workestra.sharedmailboxes.metrics.control.ServiceMetrics;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;

import java.io.StringReader;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Microsoft Graph's callbacks (public, no JWT): the validation handshake echoes the token as text/plain; notifications
 * are acknowledged with 202 whatever they hold, and only verified ones are acted upon.
 */
@Path("graph")
@ApplicationScoped
@PermitAll
@SecurityRequirements
public class GraphWebhooksResource {

    private static final int MAX_VALIDATION_TOKEN = 2048;

    /**
     * Looked up once: {@code Json.createReader} asks {@code JsonProvider.provider()} on every call, a ServiceLoader walk
     * through every jar of the WAR and of the server under one class-path lock. At 500 notifications a second that walk
     * was the acknowledgement's cost (seconds of p99, issue 18 §5); {@code RecipientsJson} keeps its provider likewise.
     */
    private static final JsonReaderFactory READERS = JsonProvider.provider().createReaderFactory(Map.of());

    @Inject
    GraphWebhooks webhooks;

    @Inject
    ServiceMetrics metrics;

    @Inject
    @ConfigProperty(name = "notifications.max-items-per-post")
    int maxItems;

    @POST
    @Path("notifications")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Graph change notifications (and their validation handshake)")
    public Response notifications(@QueryParam("validationToken") String validationToken, String body) {
        long started = System.nanoTime();
        try {
            return handle(validationToken, body, webhooks::notifications);
        } finally {
            metrics.time("webhook_acknowledgement", "Time to acknowledge a Graph change notification",
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    @POST
    @Path("lifecycle")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Graph lifecycle notifications (and their validation handshake)")
    public Response lifecycle(@QueryParam("validationToken") String validationToken, String body) {
        return handle(validationToken, body, webhooks::lifecycleEvents);
    }

    private Response handle(String validationToken, String body, Consumer<JsonObject> accept) {
        if (validationToken != null) {
            if (validationToken.length() > MAX_VALIDATION_TOKEN) {
                return Response.status(Response.Status.BAD_REQUEST).build();
            }
            return Response.ok(validationToken, MediaType.TEXT_PLAIN_TYPE).header("X-Content-Type-Options", "nosniff").build();
        }
        JsonObject batch = parse(body);
        if (batch != null && batch.getJsonArray("value").size() > maxItems) {
            // More than Graph ever batches: refused before a single subscription is looked up.
            metrics.count("webhook_notifications_total", "outcome", "refused");
            return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE).build();
        }
        if (batch == null) {
            metrics.count("webhook_notifications_total", "outcome", "ignored");
        } else {
            accept.accept(batch);
        }
        return Response.accepted().build();
    }

    private static JsonObject parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try (var reader = READERS.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                return null;
            }
            JsonObject object = value.asJsonObject();
            return object.get("value") instanceof jakarta.json.JsonArray ? object : null;
        } catch (JsonException e) {
            return null;
        }
    }
}
