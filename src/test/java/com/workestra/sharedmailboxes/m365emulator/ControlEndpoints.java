package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The emulator's own control API under /_emulator/ (JSON in, JSON out), mirroring {@link Tenant} for the
 * local demo and manual poking. Not a Microsoft API.
 */
final class ControlEndpoints {

    private final Tenant tenant;

    ControlEndpoints(Tenant tenant) {
        this.tenant = tenant;
    }

    void handle(HttpCall call) {
        String route = call.method + " " + call.path.substring("/_emulator".length());
        try {
            JsonNode body = call.method.equals("POST") ? call.json() : Json.object();
            switch (route) {
                case "GET /directory" -> call.respondJson(200, directory());
                case "POST /users" -> {
                    DirectoryUser user = tenant.createUser(required(body, "upn"), Json.text(body, "displayName"));
                    call.respondJson(201, user);
                }
                case "POST /users/rename" -> {
                    tenant.renameUser(required(body, "oid"), required(body, "upn"));
                    call.respondEmpty(204);
                }
                case "POST /shared-mailboxes" -> {
                    Mailbox mailbox = tenant.createSharedMailbox(required(body, "address"), Json.text(body, "displayName"));
                    call.respondJson(201, Map.of("oid", mailbox.oid(), "address", mailbox.address(),
                            "displayName", mailbox.displayName()));
                }
                case "POST /distribution-lists" -> {
                    tenant.createDistributionList(required(body, "address"), Json.text(body, "displayName"));
                    call.respondEmpty(204);
                }
                case "POST /permissions/grant", "POST /permissions/revoke" -> {
                    permission(route.endsWith("grant"), required(body, "mailbox"), required(body, "user"),
                            required(body, "right"));
                    call.respondEmpty(204);
                }
                case "POST /consent-policy" -> {
                    Set<String> scopes = new LinkedHashSet<>();
                    JsonNode list = Json.field(body, "grantableScopes");
                    if (list != null && list.isArray()) {
                        list.forEach(scope -> scopes.add(scope.asText()));
                    }
                    tenant.setConsentPolicy(required(body, "user"), list == null || list.isNull() ? null : scopes);
                    call.respondEmpty(204);
                }
                case "POST /refuse-consent" -> {
                    tenant.refuseConsent(required(body, "user"));
                    call.respondEmpty(204);
                }
                case "POST /revoke-tokens" -> {
                    tenant.revokeTokens(required(body, "user"));
                    call.respondEmpty(204);
                }
                case "POST /deliver" -> {
                    String mailbox = required(body, "mailbox");
                    List<String> to = addresses(body, "to");
                    String id = tenant.deliver(mailbox, required(body, "from"), to.isEmpty() ? List.of(mailbox) : to,
                            addresses(body, "cc"), required(body, "subject"),
                            Json.text(body, "body") == null ? "" : Json.text(body, "body"));
                    call.respondJson(201, Map.of("id", id));
                }
                case "POST /deliver-into" -> {
                    String id = tenant.deliverInto(required(body, "mailbox"), required(body, "folder"), required(body, "from"),
                            required(body, "subject"), Json.text(body, "body") == null ? "" : Json.text(body, "body"));
                    call.respondJson(201, Map.of("id", id));
                }
                case "POST /deliver-from-outside" -> {
                    String id = tenant.deliverFromOutside(required(body, "from"), addresses(body, "to"), addresses(body, "cc"),
                            required(body, "subject"), Json.text(body, "body") == null ? "" : Json.text(body, "body"),
                            Json.text(body, "inReplyTo"), Json.text(body, "references"));
                    call.respondJson(201, Map.of("internetMessageId", id));
                }
                case "POST /mark-read" -> {
                    JsonNode isRead = Json.field(body, "isRead");
                    tenant.markRead(required(body, "mailbox"), required(body, "messageId"), isRead == null || isRead.asBoolean());
                    call.respondEmpty(204);
                }
                case "POST /delete-message" -> {
                    tenant.deleteMessage(required(body, "mailbox"), required(body, "messageId"));
                    call.respondEmpty(204);
                }
                case "POST /move-message" -> {
                    tenant.moveMessage(required(body, "mailbox"), required(body, "messageId"), required(body, "folder"));
                    call.respondEmpty(204);
                }
                case "POST /expire-delta-tokens" -> {
                    tenant.expireDeltaTokens(required(body, "mailbox"));
                    call.respondEmpty(204);
                }
                case "POST /seed" -> {
                    String folder = Json.text(body, "folder");
                    tenant.seedMessages(required(body, "mailbox"), folder == null ? "inbox" : folder,
                            Json.field(body, "count") == null ? 0 : Json.field(body, "count").asInt());
                    call.respondEmpty(204);
                }
                case "POST /faults/throttle" -> {
                    tenant.throttleNext(required(body, "mailbox"), intField(body, "requests", 1),
                            Duration.ofSeconds(intField(body, "retryAfterSeconds", 1)));
                    call.respondEmpty(204);
                }
                case "POST /faults/fail" -> {
                    tenant.failNext(required(body, "mailbox"), intField(body, "requests", 1), intField(body, "status", 503));
                    call.respondEmpty(204);
                }
                case "POST /faults/latency" -> {
                    tenant.addLatency(Duration.ofMillis(intField(body, "millis", 0)));
                    call.respondEmpty(204);
                }
                case "POST /faults/drop-notifications" -> {
                    JsonNode drop = Json.field(body, "drop");
                    tenant.dropNotifications(drop == null || drop.asBoolean());
                    call.respondEmpty(204);
                }
                case "POST /settings/notification-latency" -> {
                    tenant.setNotificationLatency(Duration.ofMillis(intField(body, "millis", 0)));
                    call.respondEmpty(204);
                }
                case "POST /settings/permission-propagation-delay" -> {
                    tenant.setPermissionPropagationDelay(Duration.ofMillis(intField(body, "millis", 0)));
                    call.respondEmpty(204);
                }
                case "POST /lifecycle" -> {
                    tenant.fireLifecycleEvent(required(body, "subscriptionId"), required(body, "lifecycleEvent"));
                    call.respondEmpty(204);
                }
                case "GET /sent" -> call.respondJson(200, Map.of("value", tenant.sentMail()));
                case "GET /subscriptions" -> call.respondJson(200, Map.of("value", tenant.subscriptions()));
                case "GET /notification-stats" -> call.respondJson(200, tenant.notificationStats());
                case "GET /notifications" -> call.respondJson(200, Map.of("value", tenant.notificationDeliveries()));
                case "GET /subscription-calls" -> call.respondJson(200, Map.of("value", tenant.subscriptionCalls()));
                case "GET /count" -> call.respondJson(200, Map.of("count", tenant.messageCount(
                        requiredQuery(call, "mailbox"), call.query.getOrDefault("folder", "inbox"))));
                default -> call.respondJson(404, Map.of("error", "unknown control route " + route));
            }
        } catch (IllegalArgumentException e) {
            call.respondJson(400, Map.of("error", String.valueOf(e.getMessage())));
        } catch (GraphException e) {
            call.respondJson(e.status, Map.of("error", e.getMessage()));
        }
    }

    private void permission(boolean grant, String mailbox, String user, String right) {
        switch (right) {
            case "fullAccess" -> {
                if (grant) {
                    tenant.grantFullAccess(mailbox, user);
                } else {
                    tenant.revokeFullAccess(mailbox, user);
                }
            }
            case "sendAs" -> {
                if (grant) {
                    tenant.grantSendAs(mailbox, user);
                } else {
                    tenant.revokeSendAs(mailbox, user);
                }
            }
            case "sendOnBehalf" -> {
                if (grant) {
                    tenant.grantSendOnBehalf(mailbox, user);
                } else {
                    tenant.revokeSendOnBehalf(mailbox, user);
                }
            }
            default -> throw new IllegalArgumentException("right must be fullAccess, sendAs or sendOnBehalf");
        }
    }

    private ObjectNode directory() {
        ObjectNode json = Json.object();
        ArrayNode users = json.putArray("users");
        for (DirectoryUser user : tenant.users()) {
            users.addPOJO(user);
        }
        ArrayNode shared = json.putArray("sharedMailboxes");
        for (Mailbox mailbox : tenant.sharedMailboxes()) {
            ObjectNode item = shared.addObject();
            item.put("oid", mailbox.oid());
            item.put("address", mailbox.address());
            item.put("displayName", mailbox.displayName());
        }
        return json;
    }

    private static String required(JsonNode body, String name) {
        String value = Json.text(body, name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + name + "' is required");
        }
        return value;
    }

    private static List<String> addresses(JsonNode body, String name) {
        JsonNode list = Json.field(body, name);
        List<String> addresses = new ArrayList<>();
        if (list != null && list.isArray()) {
            list.forEach(address -> addresses.add(address.asText()));
        }
        return addresses;
    }

    private static String requiredQuery(HttpCall call, String name) {
        String value = call.query.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("query parameter '" + name + "' is required");
        }
        return value;
    }

    private static int intField(JsonNode body, String name, int defaultValue) {
        JsonNode value = Json.field(body, name);
        return value == null || value.isNull() ? defaultValue : value.asInt(defaultValue);
    }
}
