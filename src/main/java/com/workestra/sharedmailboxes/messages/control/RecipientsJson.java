package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Recipient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Recipient lists stored as a JSON array of {name, address} in a text column. Written by hand and read with one cached
 * provider: {@code Json.createX} looks the provider up again on every call, which costs more than the backfill can afford.
 */
final class RecipientsJson {

    private static final JsonProvider JSON = JsonProvider.provider();

    private RecipientsJson() {
    }

    static String write(List<Recipient> recipients) {
        if (recipients == null) {
            return null;
        }
        StringBuilder json = new StringBuilder(recipients.size() * 64 + 2).append('[');
        for (Recipient recipient : recipients) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('{');
            boolean named = recipient.name() != null;
            if (named) {
                string(json.append("\"name\":"), recipient.name());
            }
            if (recipient.address() != null) {
                string(json.append(named ? ",\"address\":" : "\"address\":"), recipient.address());
            }
            json.append('}');
        }
        return json.append(']').toString();
    }

    private static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    static List<Recipient> read(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try (var reader = JSON.createReader(new StringReader(json))) {
            JsonArray array = reader.readArray();
            List<Recipient> recipients = new ArrayList<>(array.size());
            for (JsonValue value : array) {
                JsonObject object = value.asJsonObject();
                recipients.add(new Recipient(object.getString("name", null), object.getString("address", null)));
            }
            return recipients;
        }
    }
}
