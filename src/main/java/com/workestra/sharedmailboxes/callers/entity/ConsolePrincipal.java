package com.workestra.sharedmailboxes.callers.entity;

import java.io.Serializable;
import java.security.Principal;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A person signed in to the console through Workestra's identity provider, kept in their HTTP session. It names the
 * same user ({@code sub}), workspace ({@code wid}) and groups as that person's API token, so both see the same data.
 */
public record ConsolePrincipal(String userId, String upn, String workspaceId, List<String> groups, String displayName)
        implements Principal, Serializable {

    public ConsolePrincipal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        groups = List.copyOf(groups);
    }

    @Override
    public String getName() {
        return upn != null ? upn : userId;
    }

    public Caller caller() {
        return new Caller(userId, upn, workspaceId, Set.copyOf(groups));
    }

    /** What the console shows as "signed in as". */
    public String shownName() {
        return displayName != null && !displayName.isBlank() ? displayName : getName();
    }
}
