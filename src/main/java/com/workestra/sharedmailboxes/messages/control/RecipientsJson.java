package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Recipient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/** Recipient lists stored as a JSON array of {name, address} in a text column. */
final class RecipientsJson {

    private RecipientsJson() {
    }

    static String write(List<Recipient> recipients) {
        if (recipients == null) {
            return null;
        }
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (Recipient recipient : recipients) {
            var object = Json.createObjectBuilder();
            if (recipient.name() != null) {
                object.add("name", recipient.name());
            }
            if (recipient.address() != null) {
                object.add("address", recipient.address());
            }
            array.add(object);
        }
        return array.build().toString();
    }

    static List<Recipient> read(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try (var reader = Json.createReader(new StringReader(json))) {
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
