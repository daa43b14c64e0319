package com.workestra.sharedmailboxes.callers.entity;

import java.io.Serializable;
import java.util.Objects;
import java.util.Set;

/**
 * The Workestra user behind a request: user id ({@code sub}), login ({@code upn}), workspace ({@code wid}) and groups.
 * Serializable, so the console's view-scoped pages may hold it.
 */
public record Caller(String userId, String upn, String workspaceId, Set<String> groups) implements Serializable {

    public Caller {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(workspaceId, "workspaceId");
        groups = Set.copyOf(groups);
    }

    public boolean isAdmin() {
        return groups.contains("admin");
    }
}
