package com.workestra.sharedmailboxes.m365emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How one emulator instance behaves. Defaults follow Microsoft's documented values; tests shorten the
 * time-based ones. Every {@code withX} returns a copy: it changes the copy's {@link Values} and builds it again.
 *
 * @param allowedRedirectUris empty means any https URI or any http URI on localhost/127.0.0.1
 * @param applicationPermissions application permissions (app roles) granted to the app, e.g. Mail.Read
 * @param autoSignInWithLoginHint true: authorize signs in the login_hint user without a page (tests)
 * @param maxConcurrentRequestsPerMailbox Outlook's MailboxConcurrency limit per app and mailbox (4)
 * @param maxRequestsPerWindowPerMailbox Outlook's request limit per app and mailbox per window (10,000 in 10 minutes)
 * @param subscriptionMaxLifetime longest subscription Graph accepts for Outlook messages (4,230 minutes)
 * @param permissionPropagationDelay how long Exchange keeps answering as before after a permission change
 * @param notificationTimeout how long a notification endpoint has to answer (Graph: 3 s)
 * @param validationTimeout how long a validation handshake may take (Graph: 10 s)
 * @param notificationRetryDelay first delay before a failed notification is retried; doubles on each retry
 * @param notificationRetryPeriod how long failed notifications are retried before they are dropped (Graph: 4 h)
 * @param idTokenOptionalClaims the app registration's optional ID-token claims (Entra's {@code optionalClaims.idToken},
 *        group claims and claims-mapping policy): {@code upn}, {@code groups} (group display names, as with
 *        {@code cloud_displayname}), or the name of a directory attribute set with {@link Tenant#setDirectoryAttribute}
 * @param notificationLatency how long after a change its notification is sent (Graph, for Outlook messages: under a
 *        minute on average, at most three minutes); small by default so tests run fast, and changeable at runtime with
 *        {@link Tenant#setNotificationLatency}
 */
public record EmulatorSettings(
        int port,
        String tenantId,
        String clientId,
        String clientSecret,
        String applicationDisplayName,
        Set<String> allowedRedirectUris,
        Set<String> applicationPermissions,
        Duration accessTokenLifetime,
        Duration authorizationCodeLifetime,
        boolean autoSignInWithLoginHint,
        int maxConcurrentRequestsPerMailbox,
        int maxRequestsPerWindowPerMailbox,
        Duration throttleWindow,
        Duration concurrencyRetryAfter,
        Duration subscriptionMaxLifetime,
        Duration permissionPropagationDelay,
        Duration notificationTimeout,
        Duration validationTimeout,
        Duration notificationRetryDelay,
        Duration notificationRetryPeriod,
        int serverThreads,
        Set<String> idTokenOptionalClaims,
        Duration notificationLatency) {

    public static final String DEFAULT_TENANT_ID = "4f1c7d2a-9b3e-4c6f-8a15-2d7e9b0c1a11";
    public static final String DEFAULT_CLIENT_ID = "9d3a6e1f-5c2b-4e8a-b7d4-1f0e2c3b4a55";
    public static final String DEFAULT_CLIENT_SECRET = "emulator-client-secret";

    public EmulatorSettings {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        allowedRedirectUris = Set.copyOf(allowedRedirectUris);
        applicationPermissions = Set.copyOf(applicationPermissions);
        idTokenOptionalClaims = Set.copyOf(idTokenOptionalClaims);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
        Objects.requireNonNull(notificationLatency, "notificationLatency");
        if (maxConcurrentRequestsPerMailbox < 1 || maxRequestsPerWindowPerMailbox < 1 || serverThreads < 2) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public static EmulatorSettings defaults() {
        return new Values().build();
    }

    public EmulatorSettings withPort(int value) {
        return with(v -> v.port = value);
    }

    public EmulatorSettings withTenantId(String value) {
        return with(v -> v.tenantId = value);
    }

    public EmulatorSettings withClient(String id, String secret) {
        return with(v -> {
            v.clientId = id;
            v.clientSecret = secret;
        });
    }

    public EmulatorSettings withApplicationDisplayName(String value) {
        return with(v -> v.applicationDisplayName = value);
    }

    public EmulatorSettings withAllowedRedirectUris(Set<String> value) {
        return with(v -> v.allowedRedirectUris = value);
    }

    public EmulatorSettings withApplicationPermissions(Set<String> value) {
        return with(v -> v.applicationPermissions = value);
    }

    public EmulatorSettings withAccessTokenLifetime(Duration value) {
        return with(v -> v.accessTokenLifetime = value);
    }

    public EmulatorSettings withAuthorizationCodeLifetime(Duration value) {
        return with(v -> v.authorizationCodeLifetime = value);
    }

    public EmulatorSettings withAutoSignInWithLoginHint(boolean value) {
        return with(v -> v.autoSignInWithLoginHint = value);
    }

    public EmulatorSettings withThrottleLimits(int concurrentRequests, int requestsPerWindow, Duration window) {
        return with(v -> {
            v.maxConcurrentRequestsPerMailbox = concurrentRequests;
            v.maxRequestsPerWindowPerMailbox = requestsPerWindow;
            v.throttleWindow = window;
        });
    }

    public EmulatorSettings withConcurrencyRetryAfter(Duration value) {
        return with(v -> v.concurrencyRetryAfter = value);
    }

    public EmulatorSettings withSubscriptionMaxLifetime(Duration value) {
        return with(v -> v.subscriptionMaxLifetime = value);
    }

    public EmulatorSettings withPermissionPropagationDelay(Duration value) {
        return with(v -> v.permissionPropagationDelay = value);
    }

    public EmulatorSettings withNotificationTimeouts(Duration notification, Duration validation) {
        return with(v -> {
            v.notificationTimeout = notification;
            v.validationTimeout = validation;
        });
    }

    public EmulatorSettings withNotificationRetry(Duration firstDelay, Duration period) {
        return with(v -> {
            v.notificationRetryDelay = firstDelay;
            v.notificationRetryPeriod = period;
        });
    }

    public EmulatorSettings withServerThreads(int value) {
        return with(v -> v.serverThreads = value);
    }

    public EmulatorSettings withIdTokenOptionalClaims(Set<String> value) {
        return with(v -> v.idTokenOptionalClaims = value);
    }

    public EmulatorSettings withNotificationLatency(Duration value) {
        return with(v -> v.notificationLatency = value);
    }

    /** The one copy: these settings' values, changed, built again (through the checks of the constructor). */
    private EmulatorSettings with(Consumer<Values> change) {
        Values values = new Values(this);
        change.accept(values);
        return values.build();
    }

    /** The settings as plain values, Microsoft's defaults as initial values; only {@link #with} and {@link #defaults} use it. */
    private static final class Values {
        int port = 0;
        String tenantId = DEFAULT_TENANT_ID;
        String clientId = DEFAULT_CLIENT_ID;
        String clientSecret = DEFAULT_CLIENT_SECRET;
        String applicationDisplayName = "Workestra shared mailboxes";
        Set<String> allowedRedirectUris = Set.of();
        Set<String> applicationPermissions = Set.of();
        Duration accessTokenLifetime = Duration.ofSeconds(3599);
        Duration authorizationCodeLifetime = Duration.ofMinutes(10);
        boolean autoSignInWithLoginHint = false;
        int maxConcurrentRequestsPerMailbox = 4;
        int maxRequestsPerWindowPerMailbox = 10_000;
        Duration throttleWindow = Duration.ofMinutes(10);
        Duration concurrencyRetryAfter = Duration.ofSeconds(1);
        Duration subscriptionMaxLifetime = Duration.ofMinutes(4230);
        Duration permissionPropagationDelay = Duration.ZERO;
        Duration notificationTimeout = Duration.ofSeconds(3);
        Duration validationTimeout = Duration.ofSeconds(10);
        Duration notificationRetryDelay = Duration.ofSeconds(1);
        Duration notificationRetryPeriod = Duration.ofHours(4);
        int serverThreads = 32;
        Set<String> idTokenOptionalClaims = Set.of();
        Duration notificationLatency = Duration.ZERO;

        Values() {
        }

        Values(EmulatorSettings s) {
            port = s.port;
            tenantId = s.tenantId;
            clientId = s.clientId;
            clientSecret = s.clientSecret;
            applicationDisplayName = s.applicationDisplayName;
            allowedRedirectUris = s.allowedRedirectUris;
            applicationPermissions = s.applicationPermissions;
            accessTokenLifetime = s.accessTokenLifetime;
            authorizationCodeLifetime = s.authorizationCodeLifetime;
            autoSignInWithLoginHint = s.autoSignInWithLoginHint;
            maxConcurrentRequestsPerMailbox = s.maxConcurrentRequestsPerMailbox;
            maxRequestsPerWindowPerMailbox = s.maxRequestsPerWindowPerMailbox;
            throttleWindow = s.throttleWindow;
            concurrencyRetryAfter = s.concurrencyRetryAfter;
            subscriptionMaxLifetime = s.subscriptionMaxLifetime;
            permissionPropagationDelay = s.permissionPropagationDelay;
            notificationTimeout = s.notificationTimeout;
            validationTimeout = s.validationTimeout;
            notificationRetryDelay = s.notificationRetryDelay;
            notificationRetryPeriod = s.notificationRetryPeriod;
            serverThreads = s.serverThreads;
            idTokenOptionalClaims = s.idTokenOptionalClaims;
            notificationLatency = s.notificationLatency;
        }

        EmulatorSettings build() {
            return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                    applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                    maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                    subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                    notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
        }
    }
}
