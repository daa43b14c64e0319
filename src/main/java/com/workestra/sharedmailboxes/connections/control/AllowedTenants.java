package com.workestra.sharedmailboxes.connections.control;

import com.workestra.sharedmailboxes.connections.entity.TenantAllowList;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/** The configured {@code outlook.allowed-tenants}: Microsoft tenants a workspace accepts accounts from (none: any). */
@ApplicationScoped
public class AllowedTenants {

    @Inject
    @ConfigProperty(name = "outlook.allowed-tenants")
    Optional<String> setting;

    private TenantAllowList allowList;

    @PostConstruct
    void read() {
        allowList = setting.map(TenantAllowList::parse).orElse(TenantAllowList.anyTenant());
    }

    /**
     * Observing the start creates this bean, so the setting is read at deployment: a malformed allow-list stops the
     * application with its message rather than failing at the first sign-in or letting any tenant in.
     */
    void readAtStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // nothing else to do: read() ran when the container created this bean to deliver the event
    }

    public boolean allows(String workspaceId, String tenantId) {
        return allowList.allows(workspaceId, tenantId);
    }
}
