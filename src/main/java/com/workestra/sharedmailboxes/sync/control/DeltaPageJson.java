package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.messages.control.ConversationThreads;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import jakarta.json.JsonException;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParser.Event;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A page of Graph's message delta ({@code {"value": [...], "@odata.nextLink" | "@odata.deltaLink": ...}}) read as a
 * stream straight into {@link MessageChange}s: only the fields {@link DeltaReader#SELECT} asks for, anything else
 * skipped. The SDK's models cost two thirds of a backfill's CPU (its backing store walks every parsed object again
 * for each object it is nested in) and held the page twice, as a JSON tree and as models.
 */
final class DeltaPageJson {

    /** Looked up once: {@code Json.createParser} asks {@code JsonProvider.provider()} on every call. */
    private static final JsonParserFactory PARSERS = JsonProvider.provider().createParserFactory(Map.of());

    private DeltaPageJson() {
    }

    static DeltaPage read(InputStream json) {
        try (JsonParser parser = PARSERS.createParser(json)) {
            expect(parser, Event.START_OBJECT);
            List<MessageChange> changes = new ArrayList<>();
            String nextLink = null;
            String deltaLink = null;
            while (parser.next() == Event.KEY_NAME) {
                String key = parser.getString();
                Event value = parser.next();
                switch (key) {
                    case "@odata.nextLink" -> nextLink = string(parser, value);
                    case "@odata.deltaLink" -> deltaLink = string(parser, value);
                    case "value" -> {
                        if (value == Event.START_ARRAY) {
                            for (Event item = parser.next(); item != Event.END_ARRAY; item = parser.next()) {
                                if (item == Event.START_OBJECT) {
                                    changes.add(message(parser));
                                } else {
                                    skip(parser, item);
                                }
                            }
                        } else {
                            skip(parser, value);
                        }
                    }
                    default -> skip(parser, value);
                }
            }
            return new DeltaPage(changes, nextLink, deltaLink);
        } catch (JsonParsingException e) {
            throw new IllegalStateException("Graph answered a delta page that is not valid JSON: " + e.getMessage(), e);
        } catch (JsonException e) {
            // The answer broke off while it was read: Graph was not reached, as far as sync is concerned.
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw e;
        }
    }

    /** One item of {@code value}, the parser just past its START_OBJECT. */
    private static MessageChange message(JsonParser parser) {
        String id = null;
        boolean removed = false;
        String internetMessageId = null;
        String conversationId = null;
        String subject = null;
        Recipient from = null;
        Recipient sender = null;
        List<Recipient> to = null;
        List<Recipient> cc = null;
        Instant received = null;
        Boolean isRead = null;
        Boolean hasAttachments = null;
        String preview = null;
        String bodyType = null;
        String body = null;
        String changeKey = null;
        List<String> references = null;
        while (parser.next() == Event.KEY_NAME) {
            String key = parser.getString();
            Event value = parser.next();
            switch (key) {
                case "id" -> id = string(parser, value);
                case "@removed" -> {
                    removed = true;
                    skip(parser, value);
                }
                case "internetMessageId" -> internetMessageId = string(parser, value);
                case "conversationId" -> conversationId = string(parser, value);
                case "subject" -> subject = string(parser, value);
                case "from" -> from = recipient(parser, value);
                case "sender" -> sender = recipient(parser, value);
                case "toRecipients" -> to = recipients(parser, value);
                case "ccRecipients" -> cc = recipients(parser, value);
                case "receivedDateTime" -> received = instant(string(parser, value));
                case "isRead" -> isRead = bool(parser, value);
                case "hasAttachments" -> hasAttachments = bool(parser, value);
                case "bodyPreview" -> preview = string(parser, value);
                case "body" -> {
                    TwoStrings itemBody = twoStrings(parser, value, "contentType", "content");
                    bodyType = itemBody == null ? null : bodyType(itemBody.first());
                    body = itemBody == null ? null : itemBody.second();
                }
                case "changeKey" -> changeKey = string(parser, value);
                case "internetMessageHeaders" -> references = references(parser, value);
                default -> skip(parser, value);
            }
        }
        if (removed) {
            return MessageChange.removal(id);
        }
        return new MessageChange(id, false, internetMessageId, conversationId, subject, from, sender, to, cc, received,
                isRead, hasAttachments, preview, bodyType, body, changeKey, references);
    }

    /** Graph's two body types, as the store keeps them; anything else is unknown (null), as the SDK read it. */
    private static String bodyType(String contentType) {
        if ("html".equalsIgnoreCase(contentType)) {
            return "html";
        }
        return "text".equalsIgnoreCase(contentType) ? "text" : null;
    }

    /**
     * Graph's {@code receivedDateTime}, in UTC to the second ({@code 2026-01-02T03:04:05Z}) as Exchange sends it, read
     * directly: through {@code OffsetDateTime.parse} it was a tenth of the sync threads' samples. Any other form of
     * ISO 8601 goes through {@code OffsetDateTime.parse}.
     */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        if (text.length() == 20 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
            try {
                return LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10), digits(text, 11, 13),
                        digits(text, 14, 16), digits(text, 17, 19)).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException | NumberFormatException e) {
                // not a date after all: said below
            }
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("Graph answered a receivedDateTime that is not a date: " + text, e);
        }
    }

    private static int digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw new NumberFormatException(text);
            }
        }
        return Integer.parseInt(text, from, to, 10);
    }

    /** {@code {"emailAddress": {"name": …, "address": …}}}, or null when there is none. */
    private static Recipient recipient(JsonParser parser, Event value) {
        if (value != Event.START_OBJECT) {
            skip(parser, value);
            return null;
        }
        Recipient recipient = null;
        while (parser.next() == Event.KEY_NAME) {
            String key = parser.getString();
            Event field = parser.next();
            if ("emailAddress".equals(key) && field == Event.START_OBJECT) {
                TwoStrings address = twoStrings(parser, field, "name", "address");
                recipient = new Recipient(address.first(), address.second());
            } else {
                skip(parser, field);
            }
        }
        return recipient;
    }

    private static List<Recipient> recipients(JsonParser parser, Event value) {
        if (value != Event.START_ARRAY) {
            skip(parser, value);
            return null;
        }
        List<Recipient> recipients = new ArrayList<>();
        for (Event item = parser.next(); item != Event.END_ARRAY; item = parser.next()) {
            Recipient recipient = recipient(parser, item);
            if (recipient != null) {
                recipients.add(recipient);
            }
        }
        return recipients;
    }

    /** The ids the message answers (In-Reply-To, References), or null when Graph sent no headers. */
    private static List<String> references(JsonParser parser, Event value) {
        if (value != Event.START_ARRAY) {
            skip(parser, value);
            return null;
        }
        String inReplyTo = null;
        String references = null;
        for (Event item = parser.next(); item != Event.END_ARRAY; item = parser.next()) {
            TwoStrings header = twoStrings(parser, item, "name", "value");
            if (header != null && "In-Reply-To".equalsIgnoreCase(header.first())) {
                inReplyTo = header.second();
            } else if (header != null && "References".equalsIgnoreCase(header.first())) {
                references = header.second();
            }
        }
        // References first: it is oldest first and ends with the parent, which In-Reply-To names again.
        return ConversationThreads.messageIds(references, inReplyTo);
    }

    private record TwoStrings(String first, String second) {
    }

    /** The two named string fields of the object that began with {@code value} (others skipped); null for no object. */
    private static TwoStrings twoStrings(JsonParser parser, Event value, String firstName, String secondName) {
        if (value != Event.START_OBJECT) {
            skip(parser, value);
            return null;
        }
        String first = null;
        String second = null;
        while (parser.next() == Event.KEY_NAME) {
            String key = parser.getString();
            Event field = parser.next();
            if (key.equals(firstName)) {
                first = string(parser, field);
            } else if (key.equals(secondName)) {
                second = string(parser, field);
            } else {
                skip(parser, field);
            }
        }
        return new TwoStrings(first, second);
    }

    private static String string(JsonParser parser, Event value) {
        return switch (value) {
            case VALUE_STRING, VALUE_NUMBER -> parser.getString();
            case VALUE_NULL -> null;
            default -> {
                skip(parser, value);
                yield null;
            }
        };
    }

    private static Boolean bool(JsonParser parser, Event value) {
        return switch (value) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> {
                skip(parser, value);
                yield null;
            }
        };
    }

    /** Past the value that began with {@code value}: a whole object or array, or the scalar already read. */
    private static void skip(JsonParser parser, Event value) {
        if (value == Event.START_OBJECT) {
            parser.skipObject();
        } else if (value == Event.START_ARRAY) {
            parser.skipArray();
        }
    }

    private static void expect(JsonParser parser, Event wanted) {
        if (!parser.hasNext() || parser.next() != wanted) {
            throw new IllegalStateException("Graph answered a delta page that is not a JSON object");
        }
    }
}
