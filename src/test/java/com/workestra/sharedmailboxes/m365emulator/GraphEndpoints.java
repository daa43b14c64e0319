package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Microsoft Graph v1.0: users, mail folders, messages, delta, sendMail, reply; subscriptions are delegated. */
final class GraphEndpoints {

    static final int MAX_PAGE_SIZE = 1000;
    private static final int DEFAULT_PAGE_SIZE = 10;
    private static final int FILTERED_DELTA_LIMIT = 5000;
    private static final Pattern MAX_PAGE_SIZE_PREFERENCE = Pattern.compile("odata\\.maxpagesize\\s*=\\s*(\\d+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern IMMUTABLE_ID_PREFERENCE = Pattern.compile("IdType\\s*=\\s*\"?ImmutableId\"?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TEXT_BODY_PREFERENCE = Pattern.compile("outlook\\.body-content-type\\s*=\\s*\"?text\"?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern FILTER_CLAUSE = Pattern.compile(
            "^\\s*(receivedDateTime|isRead)\\s+(ge|gt|le|lt|eq)\\s+(\\S+)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Set<String> READ_SCOPES = Set.of("Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite",
            "Mail.Read.Shared", "Mail.ReadWrite.Shared");
    private static final Set<String> SHARED_READ_SCOPES = Set.of("Mail.Read.Shared", "Mail.ReadWrite.Shared");
    private static final Set<String> READ_ROLES = Set.of("Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic.All", "Mail.ReadBasic");

    /** The mailbox a request addresses, as the path named it. */
    record Target(Recipient recipient, String pathPrefix, String requestedId) {
    }

    private final EmulatorSettings settings;
    private final Tenant tenant;
    private final TokenService tokens;
    private final GraphThrottle throttle;
    private final String baseUrl;
    private final String graphBase;
    private volatile SubscriptionEndpoints subscriptions;

    GraphEndpoints(EmulatorSettings settings, Tenant tenant, TokenService tokens, GraphThrottle throttle, String baseUrl) {
        this.settings = settings;
        this.tenant = tenant;
        this.tokens = tokens;
        this.throttle = throttle;
        this.baseUrl = baseUrl;
        this.graphBase = baseUrl + "/v1.0";
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
        TokenService.Caller caller = authenticate(call);
        String root = request.name(0);
        if (root.equals("subscriptions")) {
            SubscriptionEndpoints endpoints = subscriptions;
            if (endpoints == null) {
                throw GraphException.noResource("subscriptions");
            }
            endpoints.handle(call, caller, request);
            return;
        }
        Target target;
        int next;
        if (root.equals("me")) {
            if (caller.appOnly()) {
                throw GraphException.badRequest("/me request is only valid with delegated authentication flow.");
            }
            target = new Target(tenant.find(caller.oid()), "me", caller.oid());
            next = 1;
        } else if (root.equals("users") && request.size() >= 2) {
            String id = request.get(1);
            target = new Target(tenant.find(id), "users/" + id, id);
            next = 2;
        } else {
            throw GraphException.noResource(request.get(0));
        }
        if (request.size() == next) {
            userProfile(call, caller, target);
            return;
        }
        Mailbox mailbox = mailboxOf(target);
        GraphException fault = tenant.takeFault(mailbox);
        if (fault != null) {
            throw fault;
        }
        throttle.acquire(caller.appId(), mailbox, tenant.nowMillis());
        try {
            long latency = tenant.latencyMillis();
            if (latency > 0) {
                sleep(latency);
            }
            mail(call, caller, target, mailbox, request, next);
        } finally {
            throttle.release(caller.appId(), mailbox);
        }
    }

    static Mailbox mailboxOf(Target target) {
        if (target.recipient() == null) {
            throw GraphException.invalidUser(target.requestedId());
        }
        if (target.recipient().mailbox == null) {
            throw GraphException.mailboxNotFound();
        }
        return target.recipient().mailbox;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- authentication

    TokenService.Caller authenticate(HttpCall call) {
        String authorization = call.header("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            throw unauthorized("Access token is empty.", null);
        }
        TokenService.Caller caller;
        try {
            caller = tokens.verify(authorization.substring(7).trim(), tenant.nowMillis());
        } catch (TokenService.InvalidToken invalid) {
            throw unauthorized(invalid.getMessage(), null);
        }
        if (!caller.appOnly()) {
            Recipient user = tenant.find(caller.oid());
            if (user == null) {
                throw unauthorized("Access token validation failure.", null);
            }
            if (caller.issuedAtMillis() <= user.tokensRevokedAtMillis) {
                String claims = "{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\""
                        + (user.tokensRevokedAtMillis / 1000 + 1) + "\"}}}";
                throw unauthorized("Continuous access evaluation resulted in challenge with result: InteractionRequired"
                        + " and code: TokenIssuedBeforeRevocationTimestamp", Base64.getEncoder()
                        .encodeToString(claims.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return caller;
    }

    private GraphException unauthorized(String message, String claims) {
        String challenge = "Bearer realm=\"\", authorization_uri=\"" + baseUrl + "/common/oauth2/authorize\", client_id=\""
                + Scopes.GRAPH_APP_ID + "\"";
        if (claims != null) {
            challenge += ", error_description=\"" + message + "\", error=\"insufficient_claims\", claims=\"" + claims + "\"";
        }
        return new GraphException(401, "InvalidAuthenticationToken", message).withHeader("WWW-Authenticate", challenge);
    }

    // ---- users

    private void userProfile(HttpCall call, TokenService.Caller caller, Target target) {
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
        ObjectNode user = Json.object();
        user.put("@odata.context", graphBase + "/$metadata#users/$entity");
        user.putArray("businessPhones");
        user.put("displayName", recipient.displayName);
        user.putNull("givenName");
        user.putNull("jobTitle");
        user.put("mail", recipient.address);
        user.putNull("mobilePhone");
        user.putNull("officeLocation");
        user.putNull("preferredLanguage");
        user.putNull("surname");
        user.put("userPrincipalName", recipient.address);
        user.put("id", recipient.oid);
        call.respondJson(200, user);
    }

    // ---- mail routing

    private void mail(HttpCall call, TokenService.Caller caller, Target target, Mailbox mailbox, GraphRequest request,
            int at) {
        String first = request.name(at);
        int remaining = request.size() - at;
        if (first.equals("sendmail") && remaining == 1) {
            requireMethod(call, "POST");
            sendMail(call, caller, target, mailbox);
            return;
        }
        if (first.equals("mailfolders")) {
            if (remaining == 1) {
                requireMethod(call, "GET");
                authorizeRead(caller, target.recipient(), mailbox, false);
                listFolders(call, mailbox);
                return;
            }
            MailFolder folder = mailbox.folder(request.get(at + 1));
            if (folder == null) {
                authorizeRead(caller, target.recipient(), mailbox, true);
                throw new GraphException(404, "ErrorInvalidIdMalformed", "Id is malformed.");
            }
            if (remaining == 2) {
                requireMethod(call, "GET");
                authorizeRead(caller, target.recipient(), mailbox, true);
                call.respondJson(200, folderJson(mailbox, folder, true));
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

    private void messages(HttpCall call, TokenService.Caller caller, Target target, Mailbox mailbox, MailFolder folder,
            GraphRequest request, int at) {
        int remaining = request.size() - at;
        if (remaining == 0) {
            requireMethod(call, "GET");
            authorizeRead(caller, target.recipient(), mailbox, folder != null);
            listMessages(call, target, mailbox, folder);
            return;
        }
        if (request.name(at).equals("delta") && remaining == 1) {
            requireMethod(call, "GET");
            authorizeRead(caller, target.recipient(), mailbox, folder != null);
            if (folder == null) {
                throw GraphException.badRequest("Change tracking is not supported against 'microsoft.graph.message'.");
            }
            delta(call, target, mailbox, folder);
            return;
        }
        String messageId = request.get(at);
        if (remaining == 1) {
            switch (call.method) {
                case "GET" -> {
                    authorizeRead(caller, target.recipient(), mailbox, folder != null);
                    MailMessage message = findMessage(mailbox, messageId);
                    call.respondJsonBytes(200, single(target, mailbox, message, call));
                }
                case "PATCH" -> {
                    authorizeWrite(caller, target.recipient(), mailbox);
                    updateMessage(call, target, mailbox, messageId);
                }
                default -> throw new GraphException(405, "ErrorInvalidRequest",
                        "The OData request is not supported.");
            }
            return;
        }
        String action = request.name(at + 1);
        if (remaining == 2 && (action.equals("reply") || action.equals("replyall"))) {
            requireMethod(call, "POST");
            reply(call, caller, target, mailbox, messageId, action.equals("replyall"));
            return;
        }
        throw GraphException.noResource(request.get(at + 1));
    }

    private static void requireMethod(HttpCall call, String method) {
        if (!call.method.equals(method)) {
            throw new GraphException(405, "ErrorInvalidRequest", "The OData request is not supported.");
        }
    }

    // ---- authorization as Exchange applies it

    private void authorizeRead(TokenService.Caller caller, Recipient owner, Mailbox mailbox, boolean folderScoped) {
        if (caller.appOnly()) {
            if (READ_ROLES.stream().noneMatch(caller::hasRole)) {
                throw GraphException.accessDenied();
            }
            return;
        }
        Recipient user = tenant.find(caller.oid());
        if (owner.oid.equals(caller.oid())) {
            if (READ_SCOPES.stream().noneMatch(caller::hasScope)) {
                throw GraphException.accessDenied();
            }
            return;
        }
        if (SHARED_READ_SCOPES.stream().noneMatch(caller::hasScope)) {
            throw GraphException.accessDenied();
        }
        if (!tenant.hasRight(owner, user, Tenant.Right.FULL_ACCESS)) {
            // A folder of another mailbox that this person may not open is "not found" to them (python-o365 #170,
            // microsoft-graph-docs #11233); the mailbox's unscoped message collection answers 403.
            throw folderScoped ? GraphException.folderHidden() : GraphException.accessDenied();
        }
    }

    private void authorizeWrite(TokenService.Caller caller, Recipient owner, Mailbox mailbox) {
        if (caller.appOnly()) {
            if (!caller.hasRole("Mail.ReadWrite")) {
                throw GraphException.accessDenied();
            }
            return;
        }
        Recipient user = tenant.find(caller.oid());
        if (owner.oid.equals(caller.oid())) {
            if (!caller.hasScope("Mail.ReadWrite") && !caller.hasScope("Mail.ReadWrite.Shared")) {
                throw GraphException.accessDenied();
            }
            return;
        }
        if (!caller.hasScope("Mail.ReadWrite.Shared") || !tenant.hasRight(owner, user, Tenant.Right.FULL_ACCESS)) {
            throw GraphException.accessDenied();
        }
    }

    // ---- folders

    private void listFolders(HttpCall call, Mailbox mailbox) {
        ObjectNode body = Json.object();
        body.put("@odata.context", graphBase + "/$metadata#users('" + mailbox.oid + "')/mailFolders");
        var values = body.putArray("value");
        for (MailFolder folder : mailbox.folders) {
            values.add(folderJson(mailbox, folder, false));
        }
        call.respondJson(200, body);
    }

    private ObjectNode folderJson(Mailbox mailbox, MailFolder folder, boolean withContext) {
        ObjectNode json = Json.object();
        if (withContext) {
            json.put("@odata.context", graphBase + "/$metadata#users('" + mailbox.oid + "')/mailFolders/$entity");
        }
        json.put("id", folder.id);
        json.put("displayName", folder.displayName);
        json.put("parentFolderId", MessageIds.folder(mailbox.number, 99));
        json.put("childFolderCount", 0);
        json.put("unreadItemCount", folder.unread.get());
        json.put("totalItemCount", folder.total.get());
        json.put("sizeInBytes", 0);
        json.put("isHidden", false);
        return json;
    }

    // ---- messages

    private static boolean immutableIds(HttpCall call) {
        for (String prefer : call.headers("Prefer")) {
            if (IMMUTABLE_ID_PREFERENCE.matcher(prefer).find()) {
                return true;
            }
        }
        return false;
    }

    private static Integer maxPageSize(HttpCall call) {
        for (String prefer : call.headers("Prefer")) {
            Matcher matcher = MAX_PAGE_SIZE_PREFERENCE.matcher(prefer);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return null;
    }

    private static void applyPreferences(HttpCall call, boolean immutable, Integer pageSize) {
        List<String> applied = new ArrayList<>();
        if (pageSize != null) {
            applied.add("odata.maxpagesize=" + pageSize);
        }
        if (immutable) {
            applied.add("IdType=\"ImmutableId\"");
        }
        if (!applied.isEmpty()) {
            call.setHeader("Preference-Applied", String.join(", ", applied));
        }
    }

    private MailMessage findMessage(Mailbox mailbox, String messageId) {
        MessageIds.ItemRef ref = MessageIds.parseMessage(messageId);
        if (ref == null) {
            throw new GraphException(400, "ErrorInvalidIdMalformed", "Id is malformed.");
        }
        MailMessage message = ref.mailbox() == mailbox.number ? mailbox.message(ref.key()) : null;
        if (message == null) {
            throw GraphException.itemNotFound();
        }
        return message;
    }

    private byte[] single(Target target, Mailbox mailbox, MailMessage message, HttpCall call) {
        boolean immutable = immutableIds(call);
        applyPreferences(call, immutable, null);
        MailMessage shown = textBodyIfPreferred(call, message);
        // The entity is written flat, so render it on its own and splice the context in front.
        ByteArrayOutputStream entity = new ByteArrayOutputStream(2048);
        try (JsonGenerator json = Json.FACTORY.createGenerator(entity)) {
            MessageJson.write(json, mailbox, shown, immutable, MessageJson.parseSelect(call.option("$select")), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String rendered = entity.toString(StandardCharsets.UTF_8);
        String context = "{\"@odata.context\":" + quote(graphBase + "/$metadata#users('" + contextId(target)
                + "')/messages/$entity") + ",";
        return (context + rendered.substring(1)).getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String contextId(Target target) {
        return target.pathPrefix().equals("me") ? target.recipient().oid : target.requestedId();
    }

    private static MailMessage textBodyIfPreferred(HttpCall call, MailMessage message) {
        if (!"html".equalsIgnoreCase(message.bodyContentType())) {
            return message;
        }
        for (String prefer : call.headers("Prefer")) {
            if (TEXT_BODY_PREFERENCE.matcher(prefer).find()) {
                String text = Html.unescape(message.body().replaceAll("<br\\s*/?>", "\n").replaceAll("<[^>]*>", "")).trim();
                return new MailMessage(message.key(), message.folder(), message.seq(), message.createdSeq(), false,
                        message.subject(), "text", text, message.from(), message.sender(), message.to(), message.cc(),
                        message.receivedMillis(), message.sentMillis(), message.modifiedMillis(), message.isRead(),
                        message.isDraft(), message.conversationId(), message.internetMessageId(), message.inReplyTo());
            }
        }
        return message;
    }

    private void listMessages(HttpCall call, Target target, Mailbox mailbox, MailFolder folder) {
        boolean immutable = immutableIds(call);
        int top = DEFAULT_PAGE_SIZE;
        String topOption = call.option("$top");
        if (topOption != null) {
            try {
                top = Math.min(MAX_PAGE_SIZE, Math.max(1, Integer.parseInt(topOption)));
            } catch (NumberFormatException e) {
                throw GraphException.badRequest("Invalid $top value.");
            }
        }
        int skip = 0;
        String skipOption = call.option("$skip");
        if (skipOption != null) {
            try {
                skip = Math.max(0, Integer.parseInt(skipOption));
            } catch (NumberFormatException e) {
                throw GraphException.badRequest("Invalid $skip value.");
            }
        }
        boolean ascending = false;
        String orderBy = call.option("$orderby");
        if (orderBy != null) {
            String normalized = orderBy.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
            if (normalized.equals("receiveddatetime asc") || normalized.equals("receiveddatetime")) {
                ascending = true;
            } else if (!normalized.equals("receiveddatetime desc")) {
                throw new GraphException(400, "ErrorInvalidProperty", "The property '" + orderBy.trim()
                        + "' does not support sorting by the emulator; use receivedDateTime.");
            }
        }
        Predicate<MailMessage> filter = parseFilter(call.option("$filter"));
        Iterable<MailMessage> source;
        if (folder != null) {
            NavigableMap<Long, MailMessage> index = ascending ? folder.byReceived : folder.byReceived.descendingMap();
            source = index.values();
        } else {
            List<MailMessage> all = new ArrayList<>(mailbox.messages.values());
            all.sort((a, b) -> Long.compare(a.receivedOrder(), b.receivedOrder()));
            if (!ascending) {
                java.util.Collections.reverse(all);
            }
            source = all;
        }
        List<MailMessage> page = new ArrayList<>(top);
        int matched = 0;
        boolean more = false;
        for (MailMessage message : source) {
            if (!filter.test(message)) {
                continue;
            }
            if (matched++ < skip) {
                continue;
            }
            if (page.size() == top) {
                more = true;
                break;
            }
            page.add(message);
        }
        Set<String> select = MessageJson.parseSelect(call.option("$select"));
        ByteArrayOutputStream out = new ByteArrayOutputStream(page.size() * 1200 + 256);
        try (JsonGenerator json = Json.FACTORY.createGenerator(out)) {
            json.writeStartObject();
            String context = graphBase + "/$metadata#users('" + contextId(target) + "')"
                    + (folder == null ? "" : "/mailFolders('" + folder.wellKnownName + "')") + "/messages";
            if (select != null) {
                context += "(" + call.option("$select") + ")";
            }
            json.writeStringField("@odata.context", context);
            json.writeArrayFieldStart("value");
            for (MailMessage message : page) {
                MessageJson.write(json, mailbox, textBodyIfPreferred(call, message), immutable, select, false);
            }
            json.writeEndArray();
            if (more) {
                json.writeStringField("@odata.nextLink", baseUrl + call.rawPath + "?" + queryWithSkip(call, skip + top));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        applyPreferences(call, immutable, null);
        call.respondJsonBytes(200, out.toByteArray());
    }

    private static String queryWithSkip(HttpCall call, int skip) {
        StringBuilder query = new StringBuilder();
        if (call.rawQuery != null) {
            for (String pair : call.rawQuery.split("&")) {
                String name = HttpCall.decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair);
                if (name.equalsIgnoreCase("$skip") || name.equalsIgnoreCase("skip") || pair.isEmpty()) {
                    continue;
                }
                query.append(pair).append('&');
            }
        }
        return query.append("%24skip=").append(skip).toString();
    }

    private static Predicate<MailMessage> parseFilter(String filter) {
        if (filter == null || filter.isBlank()) {
            return message -> true;
        }
        Predicate<MailMessage> combined = message -> true;
        for (String clause : filter.split("(?i)\\s+and\\s+")) {
            Matcher matcher = FILTER_CLAUSE.matcher(clause);
            if (!matcher.matches()) {
                throw new GraphException(400, "ErrorInvalidUrlQueryFilter",
                        "The query filter contains one or more invalid nodes.");
            }
            String property = matcher.group(1).toLowerCase(Locale.ROOT);
            String operator = matcher.group(2).toLowerCase(Locale.ROOT);
            String value = matcher.group(3);
            Predicate<MailMessage> clausePredicate;
            if (property.equals("isread")) {
                if (!operator.equals("eq") || !(value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false"))) {
                    throw new GraphException(400, "ErrorInvalidUrlQueryFilter",
                            "The query filter contains one or more invalid nodes.");
                }
                boolean wanted = Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
                clausePredicate = message -> message.isRead() == wanted;
            } else {
                long millis;
                try {
                    millis = Json.parseInstant(value.replace("'", "")).toEpochMilli();
                } catch (RuntimeException e) {
                    throw new GraphException(400, "ErrorInvalidUrlQueryFilter",
                            "The query filter contains one or more invalid nodes.");
                }
                clausePredicate = receivedPredicate(operator, millis);
            }
            combined = combined.and(clausePredicate);
        }
        return combined;
    }

    private static Predicate<MailMessage> receivedPredicate(String operator, long millis) {
        return switch (operator) {
            case "ge" -> message -> message.receivedMillis() / 1000 * 1000 >= millis;
            case "gt" -> message -> message.receivedMillis() / 1000 * 1000 > millis;
            case "le" -> message -> message.receivedMillis() / 1000 * 1000 <= millis;
            case "lt" -> message -> message.receivedMillis() / 1000 * 1000 < millis;
            default -> message -> message.receivedMillis() / 1000 * 1000 == millis;
        };
    }

    private void updateMessage(HttpCall call, Target target, Mailbox mailbox, String messageId) {
        MailMessage message = findMessage(mailbox, messageId);
        JsonNode body = call.jsonObject();
        JsonNode isRead = Json.field(body, "isRead");
        MailMessage result = message;
        if (isRead != null && !isRead.isNull()) {
            if (!isRead.isBoolean()) {
                throw GraphException.badRequest("Invalid value for property 'isRead'.");
            }
            boolean read = isRead.booleanValue();
            long now = tenant.nowMillis();
            result = mailbox.update(message.key(),
                    (current, seq) -> current.isRead() == read ? current : current.withRead(read, seq, now));
            if (result == null) {
                throw GraphException.itemNotFound();
            }
            if (result != message) {
                tenant.fire(mailbox, result, "updated");
            }
        }
        call.respondJsonBytes(200, single(target, mailbox, result, call));
    }

    // ---- delta

    private void delta(HttpCall call, Target target, Mailbox mailbox, MailFolder folder) {
        boolean immutable = immutableIds(call);
        Integer preferred = maxPageSize(call);
        String skipToken = call.option("$skiptoken");
        String deltaToken = call.option("$deltatoken");
        DeltaToken state;
        if (skipToken != null || deltaToken != null) {
            DeltaToken decoded = DeltaToken.decode(skipToken != null ? skipToken : deltaToken);
            if (decoded == null || decoded.mailbox() != mailbox.number || decoded.folder() != folder.number
                    || decoded.generation() == mailbox.corruptGeneration) {
                throw new GraphException(400, "ErrorInvalidSyncStateData",
                        "The sync state data is corrupt or otherwise invalid.");
            }
            if (decoded.generation() != mailbox.syncGeneration) {
                throw new GraphException(410, "syncStateNotFound",
                        "The sync state generation is not found. The delta token is expired and data must be synchronized again.");
            }
            state = skipToken != null ? decoded : decoded.startRound(mailbox.committedSeq);
        } else {
            state = initialDeltaState(call, mailbox, folder);
        }
        int pageSize = DEFAULT_PAGE_SIZE;
        if (state.top() > 0) {
            pageSize = state.top();
        }
        if (preferred != null) {
            pageSize = preferred;
        }
        pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, pageSize));
        Set<String> select = MessageJson.parseSelect(state.select());
        Predicate<MailMessage> filter = state.filterOperator() == null ? message -> true
                : receivedPredicate(state.filterOperator(), state.filterMillis());

        List<MailMessage> page = new ArrayList<>(Math.min(pageSize, 1024));
        long cursor = state.cursor();
        int delivered = state.delivered();
        boolean exhausted = true;
        boolean capped = state.filterOperator() != null && state.initial();
        Iterator<MailMessage> candidates = state.orderByReceivedDesc() && state.initial()
                ? folder.byReceived.headMap(state.cursor(), false).descendingMap().values().iterator()
                : folder.changes.subMap(state.cursor(), false, state.upper(), true).values().iterator();
        while (candidates.hasNext()) {
            if (capped && delivered >= FILTERED_DELTA_LIMIT) {
                break;
            }
            if (page.size() >= pageSize) {
                exhausted = false;
                break;
            }
            MailMessage message = candidates.next();
            cursor = state.orderByReceivedDesc() && state.initial() ? message.receivedOrder() : message.seq();
            if (!belongsToRound(state, message) || !filter.test(message)) {
                continue;
            }
            page.add(message);
            delivered++;
        }
        String link;
        String linkField;
        if (exhausted) {
            linkField = "@odata.deltaLink";
            link = deltaUrl(target, folder) + "?$deltatoken=" + state.nextRound().encode();
        } else {
            linkField = "@odata.nextLink";
            link = deltaUrl(target, folder) + "?$skiptoken=" + state.continueAt(cursor, delivered).encode();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(page.size() * 1100 + 512);
        try (JsonGenerator json = Json.FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("@odata.context", graphBase + "/$metadata#Collection(message)");
            json.writeStringField(linkField, link);
            json.writeArrayFieldStart("value");
            for (MailMessage message : page) {
                MessageJson.write(json, mailbox, textBodyIfPreferred(call, message), immutable, select, true);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        applyPreferences(call, immutable, preferred == null ? null : pageSize);
        call.respondJsonBytes(200, out.toByteArray());
    }

    private static boolean belongsToRound(DeltaToken state, MailMessage message) {
        if (state.initial()) {
            // The first round lists what exists when it starts; what changes later comes in the next round.
            return !message.deleted() && message.createdSeq() <= state.upper();
        }
        if (state.changeType() == null) {
            return true;
        }
        return switch (state.changeType()) {
            case "created" -> !message.deleted() && message.createdSeq() > state.from();
            case "updated" -> !message.deleted() && message.createdSeq() <= state.from();
            default -> message.deleted();
        };
    }

    private DeltaToken initialDeltaState(HttpCall call, Mailbox mailbox, MailFolder folder) {
        String changeType = call.option("changeType");
        if (changeType != null) {
            changeType = changeType.toLowerCase(Locale.ROOT);
            if (!Set.of("created", "updated", "deleted").contains(changeType)) {
                throw GraphException.badRequest("The value of changeType must be created, updated or deleted.");
            }
        }
        String filterOperator = null;
        long filterMillis = 0;
        String filter = call.option("$filter");
        if (filter != null && !filter.isBlank()) {
            Matcher matcher = FILTER_CLAUSE.matcher(filter);
            if (!matcher.matches() || !matcher.group(1).equalsIgnoreCase("receivedDateTime")
                    || !(matcher.group(2).equalsIgnoreCase("ge") || matcher.group(2).equalsIgnoreCase("gt"))) {
                throw new GraphException(400, "ErrorInvalidUrlQueryFilter",
                        "The query filter contains one or more invalid nodes.");
            }
            filterOperator = matcher.group(2).toLowerCase(Locale.ROOT);
            try {
                filterMillis = Json.parseInstant(matcher.group(3).replace("'", "")).toEpochMilli();
            } catch (RuntimeException e) {
                throw new GraphException(400, "ErrorInvalidUrlQueryFilter",
                        "The query filter contains one or more invalid nodes.");
            }
        }
        boolean orderDesc = false;
        String orderBy = call.option("$orderby");
        if (orderBy != null && !orderBy.isBlank()) {
            if (!orderBy.trim().replaceAll("\\s+", " ").equalsIgnoreCase("receivedDateTime desc")) {
                throw new GraphException(400, "ErrorInvalidUrlQueryOrderBy",
                        "The only supported $orderby expression for delta is receivedDateTime desc.");
            }
            orderDesc = true;
        }
        int top = 0;
        String topOption = call.option("$top");
        if (topOption != null) {
            try {
                top = Integer.parseInt(topOption);
            } catch (NumberFormatException e) {
                throw GraphException.badRequest("Invalid $top value.");
            }
        }
        return new DeltaToken(mailbox.number, folder.number, mailbox.syncGeneration, 0, mailbox.committedSeq,
                orderDesc ? Long.MAX_VALUE : 0, true, orderDesc, 0, changeType, filterOperator, filterMillis, top,
                call.option("$select"));
    }

    private String deltaUrl(Target target, MailFolder folder) {
        String prefix = target.pathPrefix().equals("me") ? "me"
                : "users/" + URLEncoder.encode(target.requestedId(), StandardCharsets.UTF_8).replace("%40", "@");
        return graphBase + "/" + prefix + "/mailFolders('" + folder.id + "')/messages/delta";
    }

    // ---- sending

    private record Submission(EmailAddress from, EmailAddress sender) {
    }

    private void sendMail(HttpCall call, TokenService.Caller caller, Target target, Mailbox mailbox) {
        JsonNode body = call.jsonObject();
        JsonNode message = Json.field(body, "message");
        if (message == null || !message.isObject()) {
            throw new GraphException(400, "ErrorInvalidParameter", "The value of the parameter 'Message' is empty.");
        }
        JsonNode save = Json.field(body, "saveToSentItems");
        boolean saveToSentItems = save == null || save.isNull() || save.asBoolean(true);
        List<EmailAddress> to = recipients(Json.field(message, "toRecipients"));
        List<EmailAddress> cc = recipients(Json.field(message, "ccRecipients"));
        List<EmailAddress> bcc = recipients(Json.field(message, "bccRecipients"));
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new GraphException(400, "ErrorInvalidRecipients",
                    "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
        }
        Submission submission = authorizeSend(caller, target.recipient(), mailbox, addressOf(Json.field(message, "from")));
        JsonNode bodyNode = Json.field(message, "body");
        String contentType = bodyNode == null ? "text" : normalizeContentType(Json.text(bodyNode, "contentType"));
        String content = bodyNode == null ? "" : nullToEmpty(Json.text(bodyNode, "content"));
        String subject = nullToEmpty(Json.text(message, "subject"));
        submit(target, mailbox, submission, to, cc, bcc, subject, contentType, content, Tenant.newConversationId(), null,
                saveToSentItems);
        call.respondEmpty(202);
    }

    private void reply(HttpCall call, TokenService.Caller caller, Target target, Mailbox mailbox, String messageId,
            boolean replyAll) {
        MailMessage original = findMessage(mailbox, messageId);
        JsonNode body = call.jsonObject();
        JsonNode message = Json.field(body, "message");
        String comment = nullToEmpty(Json.text(body, "comment"));
        Submission submission = authorizeSend(caller, target.recipient(), mailbox, addressOf(Json.field(message, "from")));
        List<EmailAddress> to = recipients(Json.field(message, "toRecipients"));
        List<EmailAddress> cc = recipients(Json.field(message, "ccRecipients"));
        if (to.isEmpty()) {
            to = new ArrayList<>();
            to.add(original.from());
            if (replyAll) {
                for (EmailAddress address : original.to()) {
                    if (!address.address().equalsIgnoreCase(mailbox.address) && !containsAddress(to, address)) {
                        to.add(address);
                    }
                }
                for (EmailAddress address : original.cc()) {
                    if (!address.address().equalsIgnoreCase(mailbox.address) && !containsAddress(cc, address)) {
                        cc.add(address);
                    }
                }
            }
        }
        String subject = original.subject() == null ? "RE: " : original.subject().regionMatches(true, 0, "RE: ", 0, 4)
                ? original.subject() : "RE: " + original.subject();
        String quoted = "html".equalsIgnoreCase(original.bodyContentType()) ? original.body() : Html.escape(original.body());
        String content = "<html><body><div>" + Html.escape(comment) + "</div><hr><div><b>From:</b> "
                + Html.escape(original.from().name()) + " &lt;" + Html.escape(original.from().address()) + "&gt;<br><b>Subject:</b> "
                + Html.escape(original.subject()) + "</div><div>" + quoted + "</div></body></html>";
        submit(target, mailbox, submission, to, cc, List.of(), subject, "html", content, original.conversationId(),
                original.internetMessageId(), true);
        call.respondEmpty(202);
    }

    private static boolean containsAddress(List<EmailAddress> list, EmailAddress address) {
        return list.stream().anyMatch(existing -> existing.address().equalsIgnoreCase(address.address()));
    }

    /**
     * Exchange's rules for who may send from where (Graph docs: "Send Outlook messages from another user"):
     * sending through another mailbox needs Full Access and Mail.Send.Shared; a from address other than the
     * signed-in user's needs Send As (sender = from) or Send on Behalf (sender = the user).
     */
    private Submission authorizeSend(TokenService.Caller caller, Recipient owner, Mailbox mailbox, String fromAddress) {
        if (caller.appOnly()) {
            if (!caller.hasRole("Mail.Send")) {
                throw GraphException.accessDenied();
            }
            if (fromAddress != null && !fromAddress.equalsIgnoreCase(owner.address)) {
                throw sendAsDenied();
            }
            return new Submission(owner.emailAddress(), owner.emailAddress());
        }
        Recipient user = tenant.find(caller.oid());
        boolean ownMailbox = owner.oid.equals(user.oid);
        if (ownMailbox) {
            if (!caller.hasScope("Mail.Send") && !caller.hasScope("Mail.Send.Shared")) {
                throw GraphException.accessDenied();
            }
        } else if (!caller.hasScope("Mail.Send.Shared") || !tenant.hasRight(owner, user, Tenant.Right.FULL_ACCESS)) {
            throw GraphException.accessDenied();
        }
        Recipient from = fromAddress == null ? owner : tenant.find(fromAddress);
        if (from == null) {
            throw sendAsDenied();
        }
        if (from.oid.equals(user.oid)) {
            return new Submission(user.emailAddress(), user.emailAddress());
        }
        if (!caller.hasScope("Mail.Send.Shared")) {
            throw GraphException.accessDenied();
        }
        if (tenant.hasRight(from, user, Tenant.Right.SEND_AS)) {
            return new Submission(from.emailAddress(), from.emailAddress());
        }
        if (tenant.hasRight(from, user, Tenant.Right.SEND_ON_BEHALF)) {
            return new Submission(from.emailAddress(), user.emailAddress());
        }
        throw sendAsDenied();
    }

    private static GraphException sendAsDenied() {
        return new GraphException(403, "ErrorSendAsDenied", "The user account which was used to submit this request does"
                + " not have the right to send mail on behalf of the specified sending account. Cannot submit message.");
    }

    private void submit(Target target, Mailbox mailbox, Submission submission, List<EmailAddress> to, List<EmailAddress> cc,
            List<EmailAddress> bcc, String subject, String contentType, String content, String conversationId,
            String inReplyTo, boolean saveToSentItems) {
        long now = tenant.nowMillis();
        String internetMessageId = Tenant.newInternetMessageId(submission.from().address());
        List<EmailAddress> shownTo = List.copyOf(to);
        List<EmailAddress> shownCc = List.copyOf(cc);
        if (saveToSentItems) {
            MailMessage copy = mailbox.add((key, seq) -> new MailMessage(key, Mailbox.SENT_ITEMS, seq, seq, false, subject,
                    contentType, content, submission.from(), submission.sender(), shownTo, shownCc, now, now, now, true, false,
                    conversationId, internetMessageId, inReplyTo));
            tenant.fire(mailbox, copy, "created");
        }
        Map<String, Mailbox> deliverTo = new LinkedHashMap<>();
        for (List<EmailAddress> list : List.of(to, cc, bcc)) {
            for (EmailAddress address : list) {
                Recipient recipient = tenant.find(address.address());
                if (recipient != null && recipient.mailbox != null) {
                    deliverTo.putIfAbsent(recipient.oid, recipient.mailbox);
                }
            }
        }
        for (Mailbox recipientMailbox : deliverTo.values()) {
            MailMessage delivered = recipientMailbox.add((key, seq) -> new MailMessage(key, Mailbox.INBOX, seq, seq, false,
                    subject, contentType, content, submission.from(), submission.sender(), shownTo, shownCc, now, now, now,
                    false, false, conversationId, internetMessageId, inReplyTo));
            tenant.fire(recipientMailbox, delivered, "created");
        }
        tenant.recordSent(new SentMail(mailbox.address, submission.from().address(), submission.sender().address(),
                addresses(to), addresses(cc), addresses(bcc), subject, contentType, content, inReplyTo, conversationId, internetMessageId,
                saveToSentItems ? mailbox.address : null, Instant.ofEpochMilli(now)));
    }

    private static List<String> addresses(List<EmailAddress> list) {
        List<String> values = new ArrayList<>(list.size());
        for (EmailAddress address : list) {
            values.add(address.address());
        }
        return List.copyOf(values);
    }

    private static List<EmailAddress> recipients(JsonNode array) {
        List<EmailAddress> list = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return list;
        }
        for (JsonNode recipient : array) {
            JsonNode email = Json.field(recipient, "emailAddress");
            String address = Json.text(email, "address");
            if (address == null || address.isBlank() || !address.contains("@")) {
                throw new GraphException(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.");
            }
            String name = Json.text(email, "name");
            list.add(new EmailAddress(name == null || name.isBlank() ? address : name, address));
        }
        return list;
    }

    private static String addressOf(JsonNode recipient) {
        if (recipient == null || recipient.isNull()) {
            return null;
        }
        String address = Json.text(Json.field(recipient, "emailAddress"), "address");
        return address == null || address.isBlank() ? null : address;
    }

    private static String normalizeContentType(String value) {
        return value != null && value.equalsIgnoreCase("html") ? "html" : "text";
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
