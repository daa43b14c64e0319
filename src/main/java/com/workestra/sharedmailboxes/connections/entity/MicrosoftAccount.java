package com.workestra.sharedmailboxes.connections.entity;

import java.util.Objects;
import java.util.Set;

/** Who signed in at Microsoft: object id and tenant (stable across UPN renames), UPN, name, and the scopes granted. */
public record MicrosoftAccount(String oid, String tid, String upn, String displayName, Set<String> grantedScopes) {
    public MicrosoftAccount {
        Objects.requireNonNull(oid, "oid");
        Objects.requireNonNull(tid, "tid");
        Objects.requireNonNull(upn, "upn");
        grantedScopes = Set.copyOf(grantedScopes);
    }

    public String homeAccountId() {
        return oid + "." + tid;
    }
}
