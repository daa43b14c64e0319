package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;

/**
 * {@code .../mailFolders/{f}/messages/delta}: a folder's rounds of changes, paged by {@code @odata.nextLink}
 * ({@code $skiptoken}) and ended by {@code @odata.deltaLink} ({@code $deltatoken}), with {@code @removed} items, the
 * options Graph allows on the first request only (changeType, {@code receivedDateTime ge|gt} capped at 5,000,
 * {@code $orderby=receivedDateTime desc}, {@code $top}, {@code $select}), and expired (410 syncStateNotFound) or corrupt
 * (400 ErrorInvalidSyncStateData) tokens.
 */
final class MessageDeltaEndpoint {

    private static final int FILTERED_DELTA_LIMIT = 5000;

    private final String graphBase;

    MessageDeltaEndpoint(String graphBase) {
        this.graphBase = graphBase;
    }

    void get(HttpCall call, TargetMailbox target, Mailbox mailbox, MailFolder folder) {
        boolean immutable = GraphPreferences.immutableIds(call);
        Integer preferred = GraphPreferences.maxPageSize(call);
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
            state = initialState(call, mailbox, folder);
        }
        int pageSize = MessageEndpoints.DEFAULT_PAGE_SIZE;
        if (state.top() > 0) {
            pageSize = state.top();
        }
        if (preferred != null) {
            pageSize = preferred;
        }
        pageSize = Math.max(1, Math.min(MessageEndpoints.MAX_PAGE_SIZE, pageSize));
        Set<String> select = MessageJson.parseSelect(state.select());
        Predicate<MailMessage> filter = state.filterOperator() == null ? message -> true
                : MessageEndpoints.receivedPredicate(state.filterOperator(), state.filterMillis());

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
                MessageJson.write(json, mailbox, GraphPreferences.textBodyIfPreferred(call, message), immutable, select, true);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GraphPreferences.applied(call, immutable, preferred == null ? null : pageSize);
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

    private static DeltaToken initialState(HttpCall call, Mailbox mailbox, MailFolder folder) {
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
            Matcher matcher = MessageEndpoints.FILTER_CLAUSE.matcher(filter);
            if (!matcher.matches() || !matcher.group(1).equalsIgnoreCase("receivedDateTime")
                    || !(matcher.group(2).equalsIgnoreCase("ge") || matcher.group(2).equalsIgnoreCase("gt"))) {
                throw GraphException.invalidFilter();
            }
            filterOperator = matcher.group(2).toLowerCase(Locale.ROOT);
            try {
                filterMillis = Json.parseInstant(matcher.group(3).replace("'", "")).toEpochMilli();
            } catch (RuntimeException e) {
                throw GraphException.invalidFilter();
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

    private String deltaUrl(TargetMailbox target, MailFolder folder) {
        return graphBase + "/" + target.linkPath() + "/mailFolders('" + folder.id + "')/messages/delta";
    }
}
