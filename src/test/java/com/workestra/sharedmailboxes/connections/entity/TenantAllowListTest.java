package com.workestra.sharedmailboxes.connections.entity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TenantAllowListTest {

    private static final String CONTOSO = "8b5c2a70-3c1e-4f5e-9a55-6a2f4f0c1e01";
    private static final String FABRIKAM = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    private static final String NORTHWIND = "11111111-2222-3333-4444-555555555555";

    @Test
    void withoutASettingEveryWorkspaceAcceptsAnyTenant() {
        assertTrue(TenantAllowList.parse(null).allows("acme", CONTOSO));
        assertTrue(TenantAllowList.parse("  ").allows("acme", FABRIKAM));
    }

    @Test
    void aListedWorkspaceAcceptsOnlyItsTenantsWhileOthersStayOpen() {
        TenantAllowList list = TenantAllowList.parse("acme:" + CONTOSO + "|" + FABRIKAM + ", globex:" + NORTHWIND);
        assertTrue(list.allows("acme", CONTOSO));
        assertTrue(list.allows("acme", FABRIKAM));
        assertFalse(list.allows("acme", NORTHWIND));
        assertFalse(list.allows("acme", null));
        assertTrue(list.allows("globex", NORTHWIND));
        assertFalse(list.allows("globex", CONTOSO));
        assertTrue(list.allows("initech", NORTHWIND));
    }

    @Test
    void tenantIdsCompareWithoutCaseAndWorkspaceIdsMayContainAColon() {
        TenantAllowList list = TenantAllowList.parse("org:acme:" + CONTOSO.toUpperCase());
        assertTrue(list.allows("org:acme", CONTOSO));
        assertFalse(list.allows("org:acme", FABRIKAM));
    }

    @Test
    void aMalformedEntryIsRefusedRatherThanOpeningTheWorkspace() {
        assertThrows(IllegalArgumentException.class, () -> TenantAllowList.parse("acme"));
        assertThrows(IllegalArgumentException.class, () -> TenantAllowList.parse("acme:"));
        assertThrows(IllegalArgumentException.class, () -> TenantAllowList.parse(":" + CONTOSO));
        assertThrows(IllegalArgumentException.class, () -> TenantAllowList.parse("acme:" + CONTOSO + "||" + FABRIKAM));
    }
}
