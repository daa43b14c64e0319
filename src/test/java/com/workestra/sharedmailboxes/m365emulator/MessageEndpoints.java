package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mailbox's or a folder's messages: the list ({@code $top $skip $select $orderby $filter}, {@code @odata.nextLink}),
 * one message, and PATCH {@code isRead}.
 */
final class MessageEndpoints {

    static final int MAX_PAGE_SIZE = 1000;
    static final int DEFAULT_PAGE_SIZE = 10;
    static final Pattern FILTER_CLAUSE = Pattern.compile(
            "^\\s*(receivedDateTime|isRead)\\s+(ge|gt|le|lt|eq)\\s+(\\S+)\\s*$", Pattern.CASE_INSENSITIVE);

    private final Tenant tenant;
    private final String baseUrl;
    private final String graphBase;

    MessageEndpoints(Tenant tenant, String baseUrl) {
        this.tenant = tenant;
        this.baseUrl = baseUrl;
        this.graphBase = baseUrl + "/v1.0";
    }

    /** A message of this mailbox by its Graph id: 400 ErrorInvalidIdMalformed, or 404 ErrorItemNotFound. */
    static MailMessage find(Mailbox mailbox, String messageId) {
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

    void get(HttpCall call, TargetMailbox target, Mailbox mailbox, String messageId) {
        call.respondJsonBytes(200, single(target, mailbox, find(mailbox, messageId), call));
    }

    private byte[] single(TargetMailbox target, Mailbox mailbox, MailMessage message, HttpCall call) {
        boolean immutable = GraphPreferences.immutableIds(call);
        GraphPreferences.applied(call, immutable, null);
        MailMessage shown = GraphPreferences.textBodyIfPreferred(call, message);
        // The entity is written flat, so render it on its own and splice the context in front.
        ByteArrayOutputStream entity = new ByteArrayOutputStream(2048);
        try (JsonGenerator json = Json.FACTORY.createGenerator(entity)) {
            MessageJson.write(json, mailbox, shown, immutable, MessageJson.parseSelect(call.option("$select")), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String rendered = entity.toString(StandardCharsets.UTF_8);
        String context = "{\"@odata.context\":" + quote(graphBase + "/$metadata#users('" + target.contextId()
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

    /** The messages of the folder, or of the whole mailbox when {@code folder} is null. */
    void list(HttpCall call, TargetMailbox target, Mailbox mailbox, MailFolder folder) {
        boolean immutable = GraphPreferences.immutableIds(call);
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
            String context = graphBase + "/$metadata#users('" + target.contextId() + "')"
                    + (folder == null ? "" : "/mailFolders('" + folder.wellKnownName + "')") + "/messages";
            if (select != null) {
                context += "(" + call.option("$select") + ")";
            }
            json.writeStringField("@odata.context", context);
            json.writeArrayFieldStart("value");
            for (MailMessage message : page) {
                MessageJson.write(json, mailbox, GraphPreferences.textBodyIfPreferred(call, message), immutable, select, false);
            }
            json.writeEndArray();
            if (more) {
                json.writeStringField("@odata.nextLink", baseUrl + call.rawPath + "?" + queryWithSkip(call, skip + top));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GraphPreferences.applied(call, immutable, null);
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
                throw GraphException.invalidFilter();
            }
            String property = matcher.group(1).toLowerCase(Locale.ROOT);
            String operator = matcher.group(2).toLowerCase(Locale.ROOT);
            String value = matcher.group(3);
            Predicate<MailMessage> clausePredicate;
            if (property.equals("isread")) {
                if (!operator.equals("eq") || !(value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false"))) {
                    throw GraphException.invalidFilter();
                }
                boolean wanted = Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
                clausePredicate = message -> message.isRead() == wanted;
            } else {
                long millis;
                try {
                    millis = Json.parseInstant(value.replace("'", "")).toEpochMilli();
                } catch (RuntimeException e) {
                    throw GraphException.invalidFilter();
                }
                clausePredicate = receivedPredicate(operator, millis);
            }
            combined = combined.and(clausePredicate);
        }
        return combined;
    }

    /** {@code receivedDateTime {operator} {millis}}, compared at Graph's whole seconds. */
    static Predicate<MailMessage> receivedPredicate(String operator, long millis) {
        return switch (operator) {
            case "ge" -> message -> message.receivedMillis() / 1000 * 1000 >= millis;
            case "gt" -> message -> message.receivedMillis() / 1000 * 1000 > millis;
            case "le" -> message -> message.receivedMillis() / 1000 * 1000 <= millis;
            case "lt" -> message -> message.receivedMillis() / 1000 * 1000 < millis;
            default -> message -> message.receivedMillis() / 1000 * 1000 == millis;
        };
    }

    void update(HttpCall call, TargetMailbox target, Mailbox mailbox, String messageId) {
        MailMessage message = find(mailbox, messageId);
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
}
