package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;

/** JSON helpers shared by the endpoints. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(
            new com.fasterxml.jackson.databind.module.SimpleModule().addSerializer(Instant.class,
                    com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance));
    static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final DateTimeFormatter SEVEN_DIGITS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter INNER_ERROR_DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private Json() {
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Graph reads request JSON property names case-insensitively (the SDK sends "Message", "SaveToSentItems"). */
    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Message dates as Graph writes them: whole seconds, UTC, "2018-02-13T03:53:55Z". */
    static String seconds(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static String sevenDigits(Instant instant) {
        return SEVEN_DIGITS.format(instant);
    }

    static String innerErrorDate(Instant instant) {
        return INNER_ERROR_DATE.format(instant);
    }

    static Instant parseInstant(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return java.time.LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
        }
    }
}
