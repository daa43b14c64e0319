package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * The subscriptions and the delivery of their change and lifecycle notifications. Notifications are
 * queued per endpoint URL and POSTed from background threads, batched as Graph does, never on the request
 * that caused the change; failures are retried with doubling delays for the retry period. A change notification
 * leaves only after the notification latency (Graph, for Outlook messages: under a minute on average, at most three
 * minutes); lifecycle notifications leave at once. Dropping loses change notifications only: a lifecycle
 * {@code missed} is how Graph tells an app that it lost some.
 */
final class ChangeNotifier implements Tenant.MailboxEvents, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangeNotifier.class.getName());
    private static final long SLOW_MILLIS = 2900;
    private static final int MAX_BATCH = 1000;

    private record Pending(String subscriptionId, ObjectNode item, boolean lifecycle, Instant occurredAt) {
    }

    /** Deliveries kept for tests to look at (the newest; the benchmark delivers thousands). */
    private static final int DELIVERY_LOG = 20_000;

    private static final class Endpoint {
        final String url;
        final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean draining = new AtomicBoolean();

        Endpoint(String url) {
            this.url = url;
        }
    }

    private final EmulatorSettings settings;
    private final Tenant tenant;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;
    private final SSLSocketFactory trustingEverything = EmulatorKeys.trustingEverySslContext().getSocketFactory();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    /** Failed POSTs by notification URL: one app's endpoint apart from another's (an earlier test's, stopped). */
    private final Map<String, AtomicLong> failedAttemptsByUrl = new ConcurrentHashMap<>();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong slow = new AtomicLong();
    private final AtomicLong posts = new AtomicLong();
    private volatile boolean dropping;
    private volatile Duration latency;
    private final java.util.Deque<NotificationDelivery> deliveries = new java.util.ArrayDeque<>();

    ChangeNotifier(EmulatorSettings settings, Tenant tenant) {
        this.settings = settings;
        this.tenant = tenant;
        this.latency = settings.notificationLatency();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(4, runnable -> {
            Thread thread = new Thread(runnable, "m365-emulator-notifications");
            thread.setDaemon(true);
            return thread;
        });
        pool.setRemoveOnCancelPolicy(true);
        this.executor = pool;
        executor.scheduleWithFixedDelay(this::removeExpired, 1, 1, TimeUnit.SECONDS);
    }

    // ---- registry

    void add(Subscription subscription) {
        subscriptions.put(subscription.id, subscription);
    }

    Subscription get(String id) {
        Subscription subscription = subscriptions.get(id);
        if (subscription != null && subscription.expired(tenant.now())) {
            subscriptions.remove(id);
            return null;
        }
        return subscription;
    }

    Subscription remove(String id) {
        return subscriptions.remove(id);
    }

    Collection<Subscription> all() {
        removeExpired();
        return subscriptions.values();
    }

    private void removeExpired() {
        Instant now = tenant.now();
        subscriptions.values().removeIf(subscription -> subscription.expired(now));
    }

    @Override
    public boolean forget(String subscriptionId) {
        return subscriptions.remove(subscriptionId) != null;
    }

    @Override
    public List<SubscriptionView> subscriptions() {
        List<SubscriptionView> views = new ArrayList<>();
        for (Subscription subscription : all()) {
            views.add(subscription.view());
        }
        return views;
    }

    @Override
    public long failedAttemptsAt(String urlPrefix) {
        return failedAttemptsByUrl.entrySet().stream().filter(entry -> entry.getKey().startsWith(urlPrefix))
                .mapToLong(entry -> entry.getValue().get()).sum();
    }

    @Override
    public NotificationStats stats() {
        return new NotificationStats(delivered.get(), failedAttempts.get(), retried.get(), dropped.get(), slow.get(), posts.get());
    }

    @Override
    public void dropNotifications(boolean drop) {
        dropping = drop;
    }

    @Override
    public void notificationLatency(Duration value) {
        latency = value;
    }

    @Override
    public Duration notificationLatency() {
        return latency;
    }

    @Override
    public List<NotificationDelivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    private void delivered(List<Pending> batch, int status) {
        Instant now = tenant.now();
        synchronized (deliveries) {
            for (Pending pending : batch) {
                ObjectNode item = pending.item();
                deliveries.addLast(new NotificationDelivery(Json.text(item, "subscriptionId"),
                        pending.lifecycle() ? "lifecycle" : "change",
                        Json.text(item, pending.lifecycle() ? "lifecycleEvent" : "changeType"),
                        Json.text(item, "resource"), pending.occurredAt(), now, status, item.toString()));
                if (deliveries.size() > DELIVERY_LOG) {
                    deliveries.removeFirst();
                }
            }
        }
    }

    // ---- change notifications

    @Override
    public void messageChanged(Mailbox mailbox, MailMessage message, String changeType) {
        if (subscriptions.isEmpty()) {
            return;
        }
        Instant now = tenant.now();
        for (Subscription subscription : subscriptions.values()) {
            if (subscription.mailbox != mailbox || subscription.expired(now)
                    || (subscription.folder >= 0 && subscription.folder != message.folder())
                    || !subscription.changeTypes.contains(changeType)) {
                continue;
            }
            String id = MessageIds.message(mailbox.number, message.key(), subscription.immutableIds);
            String path = "Users/" + mailbox.oid + "/Messages/" + id;
            ObjectNode item = Json.object();
            item.put("subscriptionId", subscription.id);
            item.put("subscriptionExpirationDateTime", Json.sevenDigits(subscription.expiration));
            item.put("changeType", changeType);
            item.put("resource", path);
            ObjectNode resourceData = item.putObject("resourceData");
            resourceData.put("@odata.type", "#Microsoft.Graph.Message");
            resourceData.put("@odata.id", path);
            resourceData.put("@odata.etag", "W/\"" + MessageIds.changeKey(message.seq()) + "\"");
            resourceData.put("id", id);
            item.put("clientState", subscription.clientState);
            item.put("tenantId", settings.tenantId());
            enqueueAfter(latency, subscription.notificationUrl, new Pending(subscription.id, item, false, now));
        }
    }

    // ---- lifecycle notifications

    @Override
    public void fireLifecycleEvent(String subscriptionId, String lifecycleEvent) {
        Subscription subscription = get(subscriptionId);
        if (subscription == null) {
            throw new IllegalArgumentException("no subscription " + subscriptionId);
        }
        if (lifecycleEvent.equals("reauthorizationRequired")) {
            subscription.reauthorizationRequired = true;
        }
        if (lifecycleEvent.equals("subscriptionRemoved")) {
            subscriptions.remove(subscriptionId);
        }
        if (subscription.lifecycleNotificationUrl == null) {
            return;
        }
        ObjectNode item = Json.object();
        item.put("subscriptionId", subscription.id);
        item.put("subscriptionExpirationDateTime", Json.sevenDigits(subscription.expiration));
        item.put("tenantId", settings.tenantId());
        item.put("clientState", subscription.clientState);
        item.put("lifecycleEvent", lifecycleEvent);
        // A removal notice is about a subscription that no longer exists, so it is not tied to one.
        enqueue(subscription.lifecycleNotificationUrl,
                new Pending(lifecycleEvent.equals("subscriptionRemoved") ? null : subscription.id, item, true, tenant.now()));
    }

    // ---- delivery

    private void enqueueAfter(Duration delay, String url, Pending pending) {
        if (delay.isZero()) {
            enqueue(url, pending);
            return;
        }
        try {
            executor.schedule(() -> enqueue(url, pending), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the emulator is shutting down
        }
    }

    private void enqueue(String url, Pending pending) {
        Endpoint endpoint = endpoints.computeIfAbsent(url, Endpoint::new);
        endpoint.queue.add(pending);
        scheduleDrain(endpoint, 0);
    }

    private void scheduleDrain(Endpoint endpoint, long delayMillis) {
        if (endpoint.draining.compareAndSet(false, true)) {
            try {
                executor.schedule(() -> drain(endpoint, null, 0, 0), delayMillis, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                endpoint.draining.set(false);
            }
        }
    }

    private void drain(Endpoint endpoint, List<Pending> retrying, long firstAttemptMillis, long delayMillis) {
        List<Pending> batch = retrying;
        if (batch == null) {
            batch = new ArrayList<>();
            Pending next;
            while (batch.size() < MAX_BATCH && (next = endpoint.queue.poll()) != null) {
                batch.add(next);
            }
        }
        batch.removeIf(pending -> pending.subscriptionId() != null && get(pending.subscriptionId()) == null
                && countDropped(1));
        if (dropping && !batch.isEmpty()) {
            batch.removeIf(pending -> !pending.lifecycle() && countDropped(1));
        }
        if (!batch.isEmpty()) {
            long started = firstAttemptMillis == 0 ? System.currentTimeMillis() : firstAttemptMillis;
            if (retrying != null) {
                retried.incrementAndGet();
            }
            int status = post(endpoint.url, batch);
            if (status < 200 || status >= 300) {
                long nextDelay = delayMillis == 0 ? settings.notificationRetryDelay().toMillis() : delayMillis * 2;
                if (System.currentTimeMillis() + nextDelay - started > settings.notificationRetryPeriod().toMillis()) {
                    dropped.addAndGet(batch.size());
                } else {
                    List<Pending> again = batch;
                    try {
                        executor.schedule(() -> drain(endpoint, again, started, nextDelay), nextDelay, TimeUnit.MILLISECONDS);
                        return;
                    } catch (java.util.concurrent.RejectedExecutionException closed) {
                        endpoint.draining.set(false);
                        return;
                    }
                }
            } else {
                delivered.addAndGet(batch.size());
                delivered(batch, status);
            }
        }
        if (!endpoint.queue.isEmpty()) {
            try {
                executor.execute(() -> drain(endpoint, null, 0, 0));
                return;
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                endpoint.draining.set(false);
                return;
            }
        }
        endpoint.draining.set(false);
        if (!endpoint.queue.isEmpty()) {
            scheduleDrain(endpoint, 0);
        }
    }

    private boolean countDropped(int count) {
        dropped.addAndGet(count);
        return true;
    }

    /** The 2xx status the endpoint acknowledged the POST with, 0 when it did not acknowledge it. */
    private int post(String url, List<Pending> batch) {
        ObjectNode body = Json.object();
        ArrayNode values = body.putArray("value");
        for (Pending pending : batch) {
            values.add(pending.item());
        }
        posts.incrementAndGet();
        long started = System.nanoTime();
        try {
            HttpURLConnection connection = open(url, settings.notificationTimeout().toMillis());
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json; charset=utf-8");
            byte[] bytes = Json.bytes(body);
            connection.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(bytes);
            }
            int status = connection.getResponseCode();
            drainQuietly(connection);
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            if (elapsedMillis > SLOW_MILLIS) {
                slow.incrementAndGet();
            }
            if (status >= 200 && status < 300) {
                return status;
            }
        } catch (IOException e) {
            long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
            if (elapsedMillis > SLOW_MILLIS) {
                slow.incrementAndGet();
            }
            LOG.log(Level.FINE, "notification to " + url + " failed", e);
        }
        failedAttempts.incrementAndGet();
        failedAttemptsByUrl.computeIfAbsent(url, key -> new AtomicLong()).incrementAndGet();
        return 0;
    }

    /** The validation handshake: POST {url}?validationToken=..., expecting 200 text/plain with the token. */
    boolean validate(String url) {
        String token = "Validation: Testing client application reachability for subscription Request-Id: " + UUID.randomUUID();
        String separator = url.contains("?") ? "&" : "?";
        try {
            HttpURLConnection connection = open(url + separator + "validationToken="
                    + URLEncoder.encode(token, StandardCharsets.UTF_8).replace("+", "%20"), settings.validationTimeout().toMillis());
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "text/plain; charset=utf-8");
            connection.setFixedLengthStreamingMode(0);
            connection.getOutputStream().close();
            int status = connection.getResponseCode();
            String contentType = connection.getContentType();
            String answer;
            try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
                answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return status == 200 && contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("text/plain")
                    && answer.equals(token);
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.FINE, "validation of " + url + " failed", e);
            return false;
        }
    }

    private HttpURLConnection open(String url, long timeoutMillis) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(trustingEverything);
            https.setHostnameVerifier((host, session) -> true);
        }
        connection.setConnectTimeout((int) timeoutMillis);
        connection.setReadTimeout((int) timeoutMillis);
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        return connection;
    }

    private static void drainQuietly(HttpURLConnection connection) {
        try (InputStream in = connection.getResponseCode() >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in != null) {
                in.readAllBytes();
            }
        } catch (IOException ignored) {
            // the status already decided the outcome
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
