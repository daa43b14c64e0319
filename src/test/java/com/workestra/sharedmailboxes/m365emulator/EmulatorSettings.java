package com.workestra.sharedmailboxes.m365emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How one emulator instance behaves. Defaults follow Microsoft's documented values; tests shorten the
 * time-based ones. Every {@code withX} returns a copy.
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
        return new EmulatorSettings(0, DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
                "Workestra shared mailboxes", Set.of(), Set.of(),
                Duration.ofSeconds(3599), Duration.ofMinutes(10), false,
                4, 10_000, Duration.ofMinutes(10), Duration.ofSeconds(1),
                Duration.ofMinutes(4230), Duration.ZERO,
                Duration.ofSeconds(3), Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofHours(4), 32, Set.of(), Duration.ZERO);
    }

    public EmulatorSettings withPort(int value) {
        return new EmulatorSettings(value, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withTenantId(String value) {
        return new EmulatorSettings(port, value, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withClient(String id, String secret) {
        return new EmulatorSettings(port, tenantId, id, secret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withApplicationDisplayName(String value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, value, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withAllowedRedirectUris(Set<String> value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, value,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withApplicationPermissions(Set<String> value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                value, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withAccessTokenLifetime(Duration value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, value, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withAuthorizationCodeLifetime(Duration value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, value, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withAutoSignInWithLoginHint(boolean value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, value,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withThrottleLimits(int concurrentRequests, int requestsPerWindow, Duration window) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                concurrentRequests, requestsPerWindow, window, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withConcurrencyRetryAfter(Duration value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, value,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withSubscriptionMaxLifetime(Duration value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                value, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withPermissionPropagationDelay(Duration value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, value, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withNotificationTimeouts(Duration notification, Duration validation) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notification, validation,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withNotificationRetry(Duration firstDelay, Duration period) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                firstDelay, period, serverThreads, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withServerThreads(int value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, value, idTokenOptionalClaims, notificationLatency);
    }

    public EmulatorSettings withIdTokenOptionalClaims(Set<String> value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, value, notificationLatency);
    }

    public EmulatorSettings withNotificationLatency(Duration value) {
        return new EmulatorSettings(port, tenantId, clientId, clientSecret, applicationDisplayName, allowedRedirectUris,
                applicationPermissions, accessTokenLifetime, authorizationCodeLifetime, autoSignInWithLoginHint,
                maxConcurrentRequestsPerMailbox, maxRequestsPerWindowPerMailbox, throttleWindow, concurrencyRetryAfter,
                subscriptionMaxLifetime, permissionPropagationDelay, notificationTimeout, validationTimeout,
                notificationRetryDelay, notificationRetryPeriod, serverThreads, idTokenOptionalClaims, value);
    }
}
