package com.workestra.sharedmailboxes.m365emulator;

import java.util.Set;

/** A directory object with an address: a user, a shared mailbox or a distribution list (no mailbox). */
final class Recipient {

    final String oid;
    final RecipientKind kind;
    /** Changed by an admin in Entra or Exchange (Set-Mailbox -DisplayName) at any time. */
    volatile String displayName;
    final Mailbox mailbox;
    volatile String address;
    volatile Set<String> grantableScopes;
    volatile boolean refusesConsent;
    volatile long tokensRevokedAtMillis;
    /** A token lifetime policy assigned to this user (Entra: configurable token lifetimes); null: the tenant's default. */
    volatile java.time.Duration accessTokenLifetime;
    /** Refresh-token redemptions, so tests can see that the service really refreshed. */
    final java.util.concurrent.atomic.AtomicInteger refreshes = new java.util.concurrent.atomic.AtomicInteger();
    /** Directory (extension) attributes a claims-mapping policy can put into ID tokens, by claim name. */
    final java.util.Map<String, String> directoryAttributes = new java.util.concurrent.ConcurrentHashMap<>();
    /** Display names of the (cloud-only) groups the user is a member of. */
    volatile java.util.List<String> groups = java.util.List.of();

    Recipient(String oid, RecipientKind kind, String address, String displayName, Mailbox mailbox) {
        this.oid = oid;
        this.kind = kind;
        this.address = address;
        this.displayName = displayName;
        this.mailbox = mailbox;
    }

    EmailAddress emailAddress() {
        return new EmailAddress(displayName, address);
    }
}
