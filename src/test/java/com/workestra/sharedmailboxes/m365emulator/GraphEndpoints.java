package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/**
 * Microsoft Graph v1.0's front door: Graph's request and error shapes, the caller ({@link GraphAuthentication}), the
 * mailbox the path names ({@code /me}, {@code /users/{id or UPN}}), the faults, throttling and latency a test set on it,
 * and the route to the endpoint that serves the rest: {@link UserProfileEndpoint}, {@link MailFolderEndpoints},
 * {@link MessageEndpoints}, {@link MessageDeltaEndpoint}, {@link SendMailEndpoints}, {@link SubscriptionEndpoints}.
 * Who may read, change or send from a mailbox is the tenant's rule ({@link Tenant#requireMailRead} and its siblings),
 * asked here before the endpoint runs.
 */
final class GraphEndpoints {

    private final Tenant tenant;
    private final GraphThrottle throttle;
    private final GraphAuthentication authentication;
    private final UserProfileEndpoint users;
    private final MailFolderEndpoints folders;
    private final MessageEndpoints messages;
    private final AttachmentEndpoints attachments;
    private final MessageDeltaEndpoint delta;
    private final SendMailEndpoints sending;
    private final DraftEndpoints drafts;
    private volatile SubscriptionEndpoints subscriptions;

    GraphEndpoints(Tenant tenant, TokenService tokens, GraphThrottle throttle, String baseUrl) {
        String graphBase = baseUrl + "/v1.0";
        this.tenant = tenant;
        this.throttle = throttle;
        this.authentication = new GraphAuthentication(tenant, tokens, baseUrl);
        this.users = new UserProfileEndpoint(graphBase);
        this.folders = new MailFolderEndpoints(graphBase);
        this.messages = new MessageEndpoints(tenant, baseUrl);
        this.attachments = new AttachmentEndpoints(baseUrl);
        this.delta = new MessageDeltaEndpoint(graphBase);
        this.sending = new SendMailEndpoints(tenant);
        this.drafts = new DraftEndpoints(tenant, sending, baseUrl);
    }

    void subscriptions(SubscriptionEndpoints endpoints) {
        this.subscriptions = endpoints;
    }

    void handle(HttpCall call) {
        String clientRequestId = call.header("client-request-id");
        call.setHeader("request-id", call.requestId);
        call.setHeader("client-request-id", clientRequestId == null ? call.requestId : clientRequestId);
        try {
            route(call);
        } catch (GraphException error) {
            respondError(call, error);
        }
    }

    void respondError(HttpCall call, GraphException error) {
        for (Map.Entry<String, String> header : error.headers.entrySet()) {
            call.setHeader(header.getKey(), header.getValue());
        }
        String clientRequestId = call.header("client-request-id");
        ObjectNode body = Json.object();
        ObjectNode inner = body.putObject("error");
        inner.put("code", error.code);
        inner.put("message", error.getMessage());
        ObjectNode innerError = inner.putObject("innerError");
        innerError.put("date", Json.innerErrorDate(Instant.now()));
        innerError.put("request-id", call.requestId);
        innerError.put("client-request-id", clientRequestId == null ? call.requestId : clientRequestId);
        call.respondJson(error.status, body);
    }

    private void route(HttpCall call) {
        GraphRequest request = GraphRequest.parse(call.rawPath.substring("/v1.0".length()));
        if (request.size() == 0) {
            throw GraphException.badRequest("Invalid version.");
        }
        TokenService.Caller caller = authentication.authenticate(call);
        String root = request.name(0);
        if (root.equals("subscriptions")) {
            SubscriptionEndpoints endpoints = subscriptions;
            if (endpoints == null) {
                throw GraphException.noResource("subscriptions");
            }
            endpoints.handle(call, caller, request);
            return;
        }
        TargetMailbox target;
        int next;
        if (root.equals("me")) {
            if (caller.appOnly()) {
                throw GraphException.badRequest("/me request is only valid with delegated authentication flow.");
            }
            target = new TargetMailbox(tenant.find(caller.oid()), "me", caller.oid());
            next = 1;
        } else if (root.equals("users") && request.size() >= 2) {
            String id = request.get(1);
            target = new TargetMailbox(tenant.find(id), "users/" + id, id);
            next = 2;
        } else {
            throw GraphException.noResource(request.get(0));
        }
        if (request.size() == next) {
            users.get(call, caller, target);
            return;
        }
        Mailbox mailbox = target.mailbox();
        GraphException fault = tenant.takeFault(mailbox);
        if (fault != null) {
            throw fault;
        }
        throttle.acquire(caller.appId(), mailbox, tenant.nowMillis());
        Instant arrivedAt = Instant.now();
        long arrived = System.nanoTime();
        try {
            long latency = tenant.latencyMillis();
            if (latency > 0) {
                sleep(latency);
            }
            mail(call, caller, target, mailbox, request, next);
        } finally {
            long answered = call.answeringNanos;
            tenant.recordMailboxRequest(mailbox, new MailboxRequest(call.method,
                    call.rawQuery == null ? call.rawPath : call.rawPath + "?" + call.rawQuery, arrivedAt, arrived,
                    answered == 0 ? System.nanoTime() : answered));
            throttle.release(caller.appId(), mailbox);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void mail(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox, GraphRequest request,
            int at) {
        String first = request.name(at);
        int remaining = request.size() - at;
        if (first.equals("sendmail") && remaining == 1) {
            requireMethod(call, "POST");
            tenant.awaitSendRelease(mailbox);
            sending.sendMail(call, caller, target, mailbox);
            return;
        }
        if (first.equals("mailfolders")) {
            if (remaining == 1) {
                if (call.method.equals("POST")) {
                    tenant.requireMailWrite(caller, target.recipient());
                    folders.create(call, mailbox, null);
                    return;
                }
                requireMethod(call, "GET");
                tenant.requireMailRead(caller, target.recipient(), false);
                folders.list(call, target, mailbox, null);
                return;
            }
            if (remaining == 2 && request.name(at + 1).equals("delta")) {
                requireMethod(call, "GET");
                tenant.requireMailRead(caller, target.recipient(), false);
                folders.delta(call, target, mailbox);
                return;
            }
            MailFolder folder = mailbox.folder(request.get(at + 1));
            if (folder == null) {
                tenant.requireMailRead(caller, target.recipient(), true);
                throw new GraphException(404, "ErrorInvalidIdMalformed", "Id is malformed.");
            }
            if (remaining == 2) {
                requireMethod(call, "GET");
                tenant.requireMailRead(caller, target.recipient(), true);
                folders.get(call, mailbox, folder);
                return;
            }
            if (remaining == 3 && request.name(at + 2).equals("childfolders")) {
                if (call.method.equals("POST")) {
                    tenant.requireMailWrite(caller, target.recipient());
                    folders.create(call, mailbox, folder);
                    return;
                }
                requireMethod(call, "GET");
                tenant.requireMailRead(caller, target.recipient(), true);
                folders.list(call, target, mailbox, folder);
                return;
            }
            if (!request.name(at + 2).equals("messages")) {
                throw GraphException.noResource(request.get(at + 2));
            }
            messages(call, caller, target, mailbox, folder, request, at + 3);
            return;
        }
        if (first.equals("messages")) {
            messages(call, caller, target, mailbox, null, request, at + 1);
            return;
        }
        throw GraphException.noResource(request.get(at));
    }

    private void messages(HttpCall call, TokenService.Caller caller, TargetMailbox target, Mailbox mailbox, MailFolder folder,
            GraphRequest request, int at) {
        int remaining = request.size() - at;
        if (remaining == 0 && folder == null && call.method.equals("POST")) {
            drafts.create(call, caller, target, mailbox);
            return;
        }
        if (remaining == 0) {
            requireMethod(call, "GET");
            tenant.requireMailRead(caller, target.recipient(), folder != null);
            messages.list(call, target, mailbox, folder);
            return;
        }
        if (request.name(at).equals("delta") && remaining == 1) {
            requireMethod(call, "GET");
            tenant.requireMailRead(caller, target.recipient(), folder != null);
            if (folder == null) {
                throw GraphException.badRequest("Change tracking is not supported against 'microsoft.graph.message'.");
            }
            delta.get(call, target, mailbox, folder);
            return;
        }
        String messageId = request.get(at);
        if (remaining == 1) {
            switch (call.method) {
                case "GET" -> {
                    tenant.requireMailRead(caller, target.recipient(), folder != null);
                    messages.get(call, target, mailbox, messageId);
                }
                case "PATCH" -> {
                    tenant.requireMailWrite(caller, target.recipient());
                    messages.update(call, target, mailbox, messageId);
                }
                case "DELETE" -> {
                    if (!drafts.delete(call, caller, target, mailbox, messageId)) {
                        throw new GraphException(405, "ErrorInvalidRequest", "The OData request is not supported.");
                    }
                }
                default -> throw new GraphException(405, "ErrorInvalidRequest",
                        "The OData request is not supported.");
            }
            return;
        }
        String action = request.name(at + 1);
        if (remaining == 2 && (action.equals("createreply") || action.equals("createreplyall") || action.equals("createforward"))) {
            requireMethod(call, "POST");
            drafts.createAnswer(call, caller, target, mailbox, messageId, action.equals("createreplyall"),
                    action.equals("createforward"));
            return;
        }
        if (remaining == 2 && action.equals("send")) {
            requireMethod(call, "POST");
            drafts.send(call, caller, target, mailbox, messageId);
            return;
        }
        if (remaining == 2 && action.equals("attachments") && call.method.equals("POST")) {
            drafts.addAttachment(call, caller, target, mailbox, messageId);
            return;
        }
        if (remaining == 3 && action.equals("attachments") && request.name(at + 2).equals("createuploadsession")) {
            requireMethod(call, "POST");
            drafts.createUploadSession(call, caller, target, mailbox, messageId);
            return;
        }
        if (action.equals("attachments")) {
            tenant.requireMailRead(caller, target.recipient(), folder != null);
            attachments.handle(call, target, mailbox, MessageEndpoints.find(mailbox, messageId), request, at + 2);
            return;
        }
        if (remaining == 2 && (action.equals("reply") || action.equals("replyall"))) {
            requireMethod(call, "POST");
            sending.reply(call, caller, target, mailbox, messageId, action.equals("replyall"));
            return;
        }
        if (remaining == 2 && action.equals("forward")) {
            requireMethod(call, "POST");
            sending.forward(call, caller, target, mailbox, messageId);
            return;
        }
        throw GraphException.noResource(request.get(at + 1));
    }

    private static void requireMethod(HttpCall call, String method) {
        if (!call.method.equals(method)) {
            throw new GraphException(405, "ErrorInvalidRequest", "The OData request is not supported.");
        }
    }
}
