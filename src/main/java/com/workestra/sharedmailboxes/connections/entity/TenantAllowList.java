package com.workestra.sharedmailboxes.connections.entity;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which Microsoft tenants (Entra directory ids, the {@code tid} of the id_token) each workspace accepts Outlook
 * accounts from. Written {@code workspaceId:tenantId[|tenantId…][,workspaceId:…]}; a workspace that is not listed
 * accepts any tenant. The workspace is what precedes the last {@code :} (tenant ids never contain one).
 */
public final class TenantAllowList {

    private final Map<String, Set<String>> tenantsByWorkspace;

    private TenantAllowList(Map<String, Set<String>> tenantsByWorkspace) {
        this.tenantsByWorkspace = tenantsByWorkspace;
    }

    public static TenantAllowList anyTenant() {
        return new TenantAllowList(Map.of());
    }

    /** Reads the setting; a malformed entry is refused with what is wrong, never silently dropped. */
    public static TenantAllowList parse(String setting) {
        Map<String, Set<String>> tenants = new HashMap<>();
        if (setting == null || setting.isBlank()) {
            return anyTenant();
        }
        for (String entry : setting.split(",")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.lastIndexOf(':');
            String workspace = colon < 0 ? "" : trimmed.substring(0, colon).trim();
            String list = colon < 0 ? "" : trimmed.substring(colon + 1).trim();
            if (workspace.isEmpty() || list.isEmpty()) {
                throw new IllegalArgumentException("outlook.allowed-tenants: '" + trimmed
                        + "' is not workspaceId:tenantId[|tenantId...]");
            }
            Set<String> allowed = tenants.computeIfAbsent(workspace, key -> new HashSet<>());
            for (String tenant : list.split("\\|")) {
                if (tenant.isBlank()) {
                    throw new IllegalArgumentException("outlook.allowed-tenants: empty tenant id in '" + trimmed + "'");
                }
                allowed.add(tenant.trim().toLowerCase(Locale.ROOT));
            }
        }
        Map<String, Set<String>> frozen = new HashMap<>();
        tenants.forEach((workspace, allowed) -> frozen.put(workspace, Set.copyOf(allowed)));
        return new TenantAllowList(Map.copyOf(frozen));
    }

    /** Whether an account of this tenant may be connected in this workspace (tenant ids compare case-insensitively). */
    public boolean allows(String workspaceId, String tenantId) {
        Set<String> allowed = tenantsByWorkspace.get(workspaceId);
        return allowed == null || tenantId != null && allowed.contains(tenantId.toLowerCase(Locale.ROOT));
    }
}
