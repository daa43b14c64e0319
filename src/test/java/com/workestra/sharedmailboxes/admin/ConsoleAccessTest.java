package com.workestra.sharedmailboxes.admin;

import com.workestra.sharedmailboxes.admin.boundary.ConsoleAccess;
import com.workestra.sharedmailboxes.admin.boundary.ConsoleAccess.Audience;
import com.workestra.sharedmailboxes.callers.entity.ConsolePrincipal;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleAccessTest {

    static final ConsolePrincipal MEMBER = new ConsolePrincipal("u1", "frank@acme.example", "acme", List.of("member"), "Frank");
    static final ConsolePrincipal ADMIN = new ConsolePrincipal("u2", "carol@acme.example", "acme", List.of("admin"), "Carol");
    static final ConsolePrincipal NEITHER = new ConsolePrincipal("u3", "guest@acme.example", "acme", List.of(), null);

    @Test
    void signInAndSignedOutAreOpenTheOutlookPageIsForMembersEverythingElseForAdmins() {
        assertEquals(Audience.ANYONE, ConsoleAccess.audience("/admin/signin"));
        assertEquals(Audience.ANYONE, ConsoleAccess.audience("/admin/signed-out.xhtml"));
        assertEquals(Audience.MEMBERS, ConsoleAccess.audience("/admin/outlook.xhtml"));
        assertEquals(Audience.MEMBERS, ConsoleAccess.audience("/admin/"));
        assertEquals(Audience.MEMBERS, ConsoleAccess.audience("/admin/changes"), "the Outlook page's stream of the change feed");
        assertEquals(Audience.ADMINS, ConsoleAccess.audience("/admin/health.xhtml"));
        assertEquals(Audience.ADMINS, ConsoleAccess.audience("/admin/a-page-added-later.xhtml"), "admins only unless said otherwise");
    }

    @Test
    void aMemberOpensTheirOwnPageAndNoAdminPage() {
        assertTrue(ConsoleAccess.admits(Audience.MEMBERS, MEMBER));
        assertFalse(ConsoleAccess.admits(Audience.ADMINS, MEMBER));
        assertTrue(ConsoleAccess.admits(Audience.ADMINS, ADMIN));
        assertTrue(ConsoleAccess.admits(Audience.MEMBERS, ADMIN));
        assertFalse(ConsoleAccess.admits(Audience.MEMBERS, NEITHER), "neither member nor admin of the workspace");
        assertFalse(ConsoleAccess.admits(Audience.MEMBERS, null));
    }
}
