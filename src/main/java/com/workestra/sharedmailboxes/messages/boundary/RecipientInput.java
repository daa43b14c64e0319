package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.json.bind.annotation.JsonbTypeDeserializer;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.lang.reflect.Type;

/** A recipient: {@code {"address", "name"?}}, or a bare address string. */
@JsonbTypeDeserializer(RecipientInput.Reader.class)
public class RecipientInput {

    static final String ADDRESS = "^[^@\\s<>\"(),;:]+@[^@\\s<>\"(),;:]+\\.[^@\\s<>\"(),;:]+$";

    @NotNull
    @Size(max = 320)
    @Pattern(regexp = ADDRESS, message = "must be an email address")
    public String address;

    @Size(max = 256)
    public String name;

    public RecipientInput() {
    }

    public RecipientInput(String address, String name) {
        this.address = address;
        this.name = name;
    }

    public static class Reader implements JsonbDeserializer<RecipientInput> {
        @Override
        public RecipientInput deserialize(JsonParser parser, DeserializationContext context, Type type) {
            var value = parser.getValue();
            return switch (value.getValueType()) {
                case STRING -> new RecipientInput(((jakarta.json.JsonString) value).getString().trim(), null);
                case OBJECT -> {
                    var object = value.asJsonObject();
                    yield new RecipientInput(object.containsKey("address") && !object.isNull("address")
                            ? object.getString("address").trim() : null,
                            object.containsKey("name") && !object.isNull("name") ? object.getString("name") : null);
                }
                default -> new RecipientInput(null, null);
            };
        }
    }
}
