package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTPS webhook endpoint for tests, serving the emulator's own certificate: answers validation
 * handshakes and records notification payloads.
 */
final class NotificationReceiver implements AutoCloseable {

    private final HttpsServer server;
    private final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
    private final AtomicInteger validations = new AtomicInteger();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();
    private volatile boolean echoValidationToken = true;
    private volatile long answerDelayMillis;

    NotificationReceiver() {
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(EmulatorKeys.shared().serverSslContext()));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try (exchange) {
                Map<String, String> query = HttpCall.parseForm(exchange.getRequestURI().getRawQuery());
                byte[] body = exchange.getRequestBody().readAllBytes();
                String token = query.get("validationToken");
                if (token != null) {
                    validations.incrementAndGet();
                    byte[] answer = (echoValidationToken ? token : "not-the-token").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                    exchange.sendResponseHeaders(200, answer.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(answer);
                    }
                    return;
                }
                if (answerDelayMillis > 0) {
                    Thread.sleep(answerDelayMillis);
                }
                if (failuresToAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    exchange.sendResponseHeaders(500, -1);
                    return;
                }
                notifications.add(Json.MAPPER.readTree(body));
                exchange.sendResponseHeaders(202, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
    }

    String url(String path) {
        return "https://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void echoValidationToken(boolean echo) {
        this.echoValidationToken = echo;
    }

    void failNext(int posts) {
        failuresToAnswer.set(posts);
    }

    void answerAfter(Duration delay) {
        answerDelayMillis = delay.toMillis();
    }

    int validations() {
        return validations.get();
    }

    /** The next notification payload ({"value":[...]}), or null after the timeout. */
    JsonNode next(Duration timeout) throws InterruptedException {
        return notifications.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
