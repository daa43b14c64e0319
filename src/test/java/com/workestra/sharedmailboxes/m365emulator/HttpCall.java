package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One HTTP exchange with its decoded path, query and body, and the ways to answer it. */
final class HttpCall {

    final HttpExchange exchange;
    final String method;
    final String rawPath;
    final String path;
    final String rawQuery;
    final Map<String, String> query;
    final String requestId = UUID.randomUUID().toString();
    private byte[] body;
    private boolean answered;
    /** When the emulator began to answer ({@link System#nanoTime()}), 0 before. */
    volatile long answeringNanos;

    HttpCall(HttpExchange exchange) {
        this.exchange = exchange;
        this.method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
        this.rawPath = exchange.getRequestURI().getRawPath();
        this.path = exchange.getRequestURI().getPath();
        this.rawQuery = exchange.getRequestURI().getRawQuery();
        this.query = parseForm(rawQuery);
    }

    static Map<String, String> parseForm(String raw) {
        if (raw == null || raw.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            values.putIfAbsent(name, value);
        }
        return values;
    }

    static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    List<String> headers(String name) {
        List<String> values = exchange.getRequestHeaders().get(name);
        return values == null ? List.of() : values;
    }

    /** Query option lookup that ignores case and the optional '$' (Graph accepts both). */
    String option(String name) {
        String bare = name.startsWith("$") ? name.substring(1) : name;
        for (Map.Entry<String, String> entry : query.entrySet()) {
            String key = entry.getKey().startsWith("$") ? entry.getKey().substring(1) : entry.getKey();
            if (key.equalsIgnoreCase(bare)) {
                return entry.getValue();
            }
        }
        return null;
    }

    byte[] body() {
        if (body == null) {
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return body;
    }

    String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    Map<String, String> form() {
        return parseForm(bodyText());
    }

    JsonNode json() {
        byte[] bytes = body();
        if (bytes.length == 0) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new GraphException(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
    }

    ObjectNode jsonObject() {
        JsonNode node = json();
        if (!(node instanceof ObjectNode object)) {
            throw new GraphException(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");
        }
        return object;
    }

    void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    void addHeader(String name, String value) {
        exchange.getResponseHeaders().add(name, value);
    }

    boolean answered() {
        return answered;
    }

    void respond(int status, String contentType, byte[] content) {
        answered = true;
        answeringNanos = System.nanoTime();
        try {
            if (contentType != null) {
                exchange.getResponseHeaders().set("Content-Type", contentType);
            }
            boolean empty = content == null || content.length == 0;
            exchange.sendResponseHeaders(status, empty ? -1 : content.length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(content);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            exchange.close();
        }
    }

    void respondJson(int status, Object value) {
        respond(status, "application/json; charset=utf-8", Json.bytes(value));
    }

    void respondJsonBytes(int status, byte[] json) {
        respond(status, "application/json; charset=utf-8", json);
    }

    void respondHtml(int status, String html) {
        respond(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    void respondEmpty(int status) {
        respond(status, null, null);
    }

    void redirect(String location) {
        setHeader("Location", location);
        respondEmpty(302);
    }
}
