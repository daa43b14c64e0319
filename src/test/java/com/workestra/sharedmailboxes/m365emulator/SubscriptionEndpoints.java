package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Graph's /subscriptions: create (with the validation handshake), list, get, renew, delete, reauthorize. */
final class SubscriptionEndpoints {

    private static final Pattern IMMUTABLE_ID_PREFERENCE = Pattern.compile("IdType\\s*=\\s*\"?ImmutableId\"?",
            Pattern.CASE_INSENSITIVE);
    private static final Set<String> DELEGATED_SCOPES = Set.of("Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite");
    private static final Set<String> APPLICATION_ROLES = Set.of("Mail.ReadBasic.All", "Mail.ReadBasic", "Mail.Read",
            "Mail.ReadWrite");

    private static final java.util.Map<String, Integer> SUCCESS = java.util.Map.of("create", 201, "renew", 200,
            "delete", 204, "reauthorize", 204);

    private final EmulatorSettings settings;
    private final Tenant tenant;
    private final ChangeNotifier notifier;
    private final String graphBase;

    SubscriptionEndpoints(EmulatorSettings settings, Tenant tenant, ChangeNotifier notifier, String baseUrl) {
        this.settings = settings;
        this.tenant = tenant;
        this.notifier = notifier;
        this.graphBase = baseUrl + "/v1.0";
    }

    /** Serves the call and records what was asked and answered, for tests to look at ({@link Tenant#subscriptionCalls}). */
    void handle(HttpCall call, TokenService.Caller caller, GraphRequest request) {
        String operation = operation(call.method, request);
        String named = request.size() >= 2 ? request.get(1) : null;
        try {
            String createdId = serve(call, caller, request);
            if (operation != null) {
                tenant.recordSubscriptionCall(new SubscriptionCall(operation, named != null ? named : createdId,
                        caller.appOnly(), SUCCESS.get(operation), tenant.now()));
            }
        } catch (GraphException refused) {
            if (operation != null) {
                tenant.recordSubscriptionCall(new SubscriptionCall(operation, named, caller.appOnly(), refused.status,
                        tenant.now()));
            }
            throw refused;
        }
    }

    private static String operation(String method, GraphRequest request) {
        if (request.size() == 1) {
            return method.equals("POST") ? "create" : null;
        }
        if (request.size() == 2) {
            return switch (method) {
                case "PATCH" -> "renew";
                case "DELETE" -> "delete";
                default -> null;
            };
        }
        return request.size() == 3 && request.name(2).equals("reauthorize") && method.equals("POST") ? "reauthorize" : null;
    }

    /** @return the id of the subscription created, if the call created one */
    private String serve(HttpCall call, TokenService.Caller caller, GraphRequest request) {
        if (request.size() == 1) {
            switch (call.method) {
                case "POST" -> {
                    return create(call, caller);
                }
                case "GET" -> list(call, caller);
                default -> throw methodNotAllowed();
            }
            return null;
        }
        Subscription subscription = notifier.get(request.get(1));
        if (subscription == null || !visibleTo(subscription, caller)) {
            throw new GraphException(404, "ResourceNotFound", "The object was not found.");
        }
        if (request.size() == 2) {
            switch (call.method) {
                case "GET" -> call.respondJson(200, json(subscription, true));
                case "PATCH" -> update(call, caller, subscription);
                case "DELETE" -> {
                    notifier.remove(subscription.id);
                    call.respondEmpty(204);
                }
                default -> throw methodNotAllowed();
            }
            return null;
        }
        if (request.size() == 3 && request.name(2).equals("reauthorize") && call.method.equals("POST")) {
            authorize(caller, subscription.mailbox, "Reauthorize");
            subscription.reauthorizationRequired = false;
            call.respondEmpty(204);
            return null;
        }
        throw GraphException.noResource(request.get(request.size() - 1));
    }

    private static GraphException methodNotAllowed() {
        return new GraphException(405, "MethodNotAllowed", "The HTTP method is not allowed for this resource.");
    }

    private boolean visibleTo(Subscription subscription, TokenService.Caller caller) {
        if (!subscription.applicationId.equals(caller.appId())) {
            return false;
        }
        return caller.appOnly() ? subscription.appOnly : !subscription.appOnly && subscription.creatorId.equals(caller.oid());
    }

    private String create(HttpCall call, TokenService.Caller caller) {
        GraphException fault = tenant.takeSubscriptionCreateFault();
        if (fault != null) {
            throw fault;
        }
        ObjectNode body = call.jsonObject();
        String changeType = Json.text(body, "changeType");
        String notificationUrl = Json.text(body, "notificationUrl");
        String lifecycleUrl = Json.text(body, "lifecycleNotificationUrl");
        String resource = Json.text(body, "resource");
        String expiration = Json.text(body, "expirationDateTime");
        String clientState = Json.text(body, "clientState");
        if (changeType == null || notificationUrl == null || resource == null || expiration == null) {
            throw new GraphException(400, "InvalidRequest", "The request must contain changeType, notificationUrl,"
                    + " resource and expirationDateTime.");
        }
        Set<String> changeTypes = new LinkedHashSet<>();
        for (String type : changeType.split(",")) {
            String trimmed = type.trim().toLowerCase(Locale.ROOT);
            if (!Set.of("created", "updated", "deleted").contains(trimmed)) {
                throw new GraphException(400, "InvalidRequest", "'" + type.trim() + "' is not a valid changeType.");
            }
            changeTypes.add(trimmed);
        }
        requireHttps(notificationUrl, "notificationUrl");
        if (lifecycleUrl != null) {
            requireHttps(lifecycleUrl, "lifecycleNotificationUrl");
        }
        if (clientState != null && clientState.length() > 128) {
            throw new GraphException(400, "ValidationError", "The clientState can be at most 128 characters long.");
        }
        Instant expires = expiry(expiration);
        ResourceTarget target = parseResource(resource, caller);
        authorize(caller, target.mailbox(), "Create");
        if (!notifier.validate(notificationUrl) || (lifecycleUrl != null && !notifier.validate(lifecycleUrl))) {
            throw new GraphException(400, "ValidationError", "Subscription validation request failed. Notification"
                    + " endpoint must respond with 200 OK to validation request.");
        }
        boolean immutable = call.headers("Prefer").stream().anyMatch(value -> IMMUTABLE_ID_PREFERENCE.matcher(value).find());
        String tls = Json.text(body, "latestSupportedTlsVersion");
        Subscription subscription = new Subscription(UUID.randomUUID().toString(), resource, target.mailbox(), target.folder(),
                String.join(",", changeTypes), changeTypes, notificationUrl, lifecycleUrl, clientState, expires,
                caller.appId(), caller.oid(), caller.appOnly(), immutable, tls == null ? "v1_2" : tls);
        notifier.add(subscription);
        call.respondJson(201, json(subscription, true));
        return subscription.id;
    }

    private void update(HttpCall call, TokenService.Caller caller, Subscription subscription) {
        ObjectNode body = call.jsonObject();
        if (Json.field(body, "lifecycleNotificationUrl") != null) {
            throw new GraphException(400, "InvalidRequest",
                    "lifecycleNotificationUrl cannot be added or changed on an existing subscription.");
        }
        authorize(caller, subscription.mailbox, "Update");
        String expiration = Json.text(body, "expirationDateTime");
        String notificationUrl = Json.text(body, "notificationUrl");
        Instant expires = expiration == null ? null : expiry(expiration);
        if (notificationUrl != null && !notificationUrl.equals(subscription.notificationUrl)) {
            requireHttps(notificationUrl, "notificationUrl");
            if (!notifier.validate(notificationUrl)) {
                throw new GraphException(400, "ValidationError", "Subscription validation request failed. Notification"
                        + " endpoint must respond with 200 OK to validation request.");
            }
            subscription.notificationUrl = notificationUrl;
        }
        if (expires != null) {
            subscription.expiration = expires;
            subscription.reauthorizationRequired = false;
        }
        call.respondJson(200, json(subscription, true));
    }

    private void list(HttpCall call, TokenService.Caller caller) {
        ObjectNode body = Json.object();
        body.put("@odata.context", graphBase + "/$metadata#subscriptions");
        ArrayNode values = body.putArray("value");
        for (Subscription subscription : notifier.all()) {
            if (visibleTo(subscription, caller)) {
                values.add(json(subscription, false));
            }
        }
        call.respondJson(200, body);
    }

    private Instant expiry(String value) {
        Instant expires;
        try {
            expires = Json.parseInstant(value);
        } catch (RuntimeException e) {
            throw new GraphException(400, "InvalidRequest", "Invalid expirationDateTime '" + value + "'.");
        }
        Instant now = tenant.now();
        if (!expires.isAfter(now)) {
            throw new GraphException(400, "InvalidRequest", "expirationDateTime must be in the future.");
        }
        Duration max = settings.subscriptionMaxLifetime();
        if (expires.isAfter(now.plus(max))) {
            throw new GraphException(400, "ExtensionError", "Subscription expiration can only be " + max.toMinutes()
                    + " minutes in the future.");
        }
        return expires;
    }

    private static void requireHttps(String url, String property) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new GraphException(400, "InvalidRequest", "The " + property + " is not a valid URL.");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new GraphException(400, "ValidationError", "Subscription validation request failed. "
                    + property + " must be an HTTPS URL.");
        }
    }

    private record ResourceTarget(Mailbox mailbox, int folder) {
    }

    private ResourceTarget parseResource(String resource, TokenService.Caller caller) {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        GraphRequest request = GraphRequest.parse(path);
        Recipient recipient;
        String requestedId;
        int at;
        if (request.name(0).equals("me")) {
            if (caller.appOnly()) {
                throw GraphException.badRequest("/me request is only valid with delegated authentication flow.");
            }
            recipient = tenant.find(caller.oid());
            requestedId = caller.oid();
            at = 1;
        } else if (request.name(0).equals("users") && request.size() >= 2) {
            requestedId = request.get(1);
            recipient = tenant.find(requestedId);
            at = 2;
        } else {
            throw new GraphException(400, "InvalidRequest", "The resource '" + resource + "' is not supported.");
        }
        Mailbox mailbox = new TargetMailbox(recipient, "", requestedId).mailbox();
        int remaining = request.size() - at;
        if (remaining == 1 && request.name(at).equals("messages")) {
            return new ResourceTarget(mailbox, -1);
        }
        if (remaining == 3 && request.name(at).equals("mailfolders") && request.name(at + 2).equals("messages")) {
            MailFolder folder = mailbox.folder(request.get(at + 1));
            if (folder == null) {
                throw new GraphException(404, "ErrorInvalidIdMalformed", "Id is malformed.");
            }
            return new ResourceTarget(mailbox, folder.number);
        }
        throw new GraphException(400, "InvalidRequest", "The resource '" + resource + "' is not supported.");
    }

    /**
     * Delegated subscriptions cover the signed-in user's own mailbox only; the .Shared scopes do not extend
     * them to shared mailboxes (Graph answers 403 ExtensionError). Application permissions reach any mailbox.
     */
    private void authorize(TokenService.Caller caller, Mailbox mailbox, String operation) {
        boolean allowed = caller.appOnly()
                ? APPLICATION_ROLES.stream().anyMatch(caller::hasRole)
                : mailbox.oid.equals(caller.oid()) && DELEGATED_SCOPES.stream().anyMatch(caller::hasScope);
        if (!allowed) {
            throw new GraphException(403, "ExtensionError", "Operation: " + operation
                    + "; Exception: [Status Code: Forbidden; Reason: Forbidden]");
        }
        if (caller.appOnly() && !tenant.appMayReach(mailbox.oid)) {
            // Outside the app's Exchange management scope: as reported from the field (msgraph-sdk-java#510,
            // msgraph-sdk-javascript#252) for subscriptions refused by a scope or an application access policy.
            throw new GraphException(403, "ExtensionError", "Operation: " + operation
                    + "; Exception: [Status Code: Forbidden; Reason: Access to OData is disabled.]");
        }
    }

    private ObjectNode json(Subscription subscription, boolean withContext) {
        ObjectNode json = Json.object();
        if (withContext) {
            json.put("@odata.context", graphBase + "/$metadata#subscriptions/$entity");
        }
        json.put("id", subscription.id);
        json.put("resource", subscription.resource);
        json.put("applicationId", subscription.applicationId);
        json.put("changeType", subscription.changeType);
        if (subscription.clientState == null) {
            json.putNull("clientState");
        } else {
            json.put("clientState", subscription.clientState);
        }
        json.put("notificationUrl", subscription.notificationUrl);
        json.putNull("notificationQueryOptions");
        if (subscription.lifecycleNotificationUrl == null) {
            json.putNull("lifecycleNotificationUrl");
        } else {
            json.put("lifecycleNotificationUrl", subscription.lifecycleNotificationUrl);
        }
        json.put("expirationDateTime", Json.sevenDigits(subscription.expiration));
        json.put("creatorId", subscription.creatorId);
        json.putNull("includeResourceData");
        json.put("latestSupportedTlsVersion", subscription.latestSupportedTlsVersion);
        json.putNull("encryptionCertificate");
        json.putNull("encryptionCertificateId");
        json.putNull("notificationUrlAppId");
        return json;
    }
}
