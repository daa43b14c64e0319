package com.workestra.sharedmailboxes.m365emulator;

import java.util.Set;

/** A directory object with an address: a user, a shared mailbox or a distribution list (no mailbox). */
final class Recipient {

    final String oid;
    final RecipientKind kind;
    final String displayName;
    final Mailbox mailbox;
    volatile String address;
    volatile Set<String> grantableScopes;
    volatile boolean refusesConsent;
    volatile long tokensRevokedAtMillis;

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
