package com.workestra.sharedmailboxes.problems.entity;

import java.util.List;

/** An RFC 9457 problem document with the stable {@code code} of API.md and, for invalid input, the offending fields. */
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    public static Problem of(ProblemCode code, String detail) {
        return new Problem(code.type(), code.title(), code.status(), detail, code.name(), null);
    }

    public static Problem invalid(String detail, List<FieldError> errors) {
        ProblemCode code = ProblemCode.INVALID_REQUEST;
        return new Problem(code.type(), code.title(), code.status(), detail, code.name(), List.copyOf(errors));
    }

    /** Hand-written JSON for the servlet error page, where no JSON-B provider is at hand. */
    public String toJson() {
        StringBuilder json = new StringBuilder(256).append('{');
        field(json, "type", type).append(',');
        field(json, "title", title).append(',');
        json.append("\"status\":").append(status).append(',');
        field(json, "detail", detail).append(',');
        field(json, "code", code);
        return json.append('}').toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":");
        if (value == null) {
            return json.append("null");
        }
        json.append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '<' -> json.append("\\u003c");
                case '>' -> json.append("\\u003e");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
