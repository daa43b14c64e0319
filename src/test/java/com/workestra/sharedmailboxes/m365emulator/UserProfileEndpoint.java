package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /me} and {@code GET /users/{id or UPN}}: the user's profile. Entra's rule, not Exchange's: the caller's own
 * profile with User.Read, anyone's with User.ReadBasic.All or User.Read.All (app-only: the roles); a shared mailbox's
 * user object answers like any user's, a distribution list is not a user.
 */
final class UserProfileEndpoint {

    private final String graphBase;

    UserProfileEndpoint(String graphBase) {
        this.graphBase = graphBase;
    }

    void get(HttpCall call, TokenService.Caller caller, TargetMailbox target) {
        if (!call.method.equals("GET")) {
            throw new GraphException(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
        }
        Recipient recipient = target.recipient();
        if (recipient == null || recipient.kind == RecipientKind.DISTRIBUTION_LIST) {
            throw new GraphException(404, "Request_ResourceNotFound", "Resource '" + target.requestedId()
                    + "' does not exist or one of its queried reference-property objects are not present.");
        }
        boolean self = !caller.appOnly() && recipient.oid.equals(caller.oid());
        boolean allowed = caller.appOnly()
                ? caller.hasRole("User.Read.All") || caller.hasRole("User.ReadBasic.All")
                : caller.hasScope("User.ReadBasic.All") || caller.hasScope("User.Read.All") || (self && caller.hasScope("User.Read"));
        if (!allowed) {
            throw new GraphException(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }
        // $select narrows the answer to the named properties (the id only when asked for), with a matching context.
        java.util.Set<String> select = MessageJson.parseSelect(call.option("$select"));
        ObjectNode user = Json.object();
        user.put("@odata.context", graphBase + "/$metadata#users" + (select == null ? "" : "(" + call.option("$select") + ")") + "/$entity");
        ObjectNode all = Json.object();
        all.putArray("businessPhones");
        all.put("displayName", recipient.displayName);
        all.putNull("givenName");
        all.putNull("jobTitle");
        all.put("mail", recipient.address);
        all.putNull("mobilePhone");
        all.putNull("officeLocation");
        all.putNull("preferredLanguage");
        all.putNull("surname");
        all.put("userPrincipalName", recipient.address);
        all.put("id", recipient.oid);
        all.fields().forEachRemaining(field -> {
            if (select == null || select.contains(field.getKey().toLowerCase(java.util.Locale.ROOT))) {
                user.set(field.getKey(), field.getValue());
            }
        });
        call.respondJson(200, user);
    }
}
