package com.workestra.sharedmailboxes.notifications.control;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushScopeScriptTest {

    private static final String APP = "11111111-2222-3333-4444-555555555555";

    @Test
    void theScopeNamesExactlyTheMailboxesThatUsePushAndTheAssignmentUsesIt() {
        List<PushScopeScript.Line> lines = PushScopeScript.lines(APP, "sp-oid", List.of("support@acme.com", "sales@acme.com"), null,
                "ceo@acme.com");
        String scope = command(lines, "New-ManagementScope");
        assertEquals("New-ManagementScope -Name 'Workestra push mailboxes' -RecipientRestrictionFilter"
                + " 'PrimarySmtpAddress -eq ''support@acme.com'' -or PrimarySmtpAddress -eq ''sales@acme.com'''", scope);
        assertTrue(command(lines, "Set-ManagementScope").endsWith(scope.substring(scope.indexOf(" -RecipientRestrictionFilter"))));
        assertEquals("New-ServicePrincipal -AppId '" + APP + "' -ObjectId 'sp-oid' -DisplayName 'Workestra shared mailboxes'",
                command(lines, "New-ServicePrincipal"));
        assertEquals("New-ManagementRoleAssignment -Name 'Workestra push Mail.Read' -App '" + APP + "' -Role 'Application Mail.Read'"
                + " -CustomResourceScope 'Workestra push mailboxes'", command(lines, "New-ManagementRoleAssignment"));
        assertEquals(3, lines.stream().filter(line -> line.command().startsWith("Test-ServicePrincipalAuthorization")).count(),
                "one check per mailbox and one for the canary");
        assertTrue(lines.stream().allMatch(line -> !line.purpose().isBlank() && !line.command().contains("\n")));
    }

    @Test
    void quotesInAnAddressAreDoubledSoNoValueCanEndItsString() {
        assertEquals("'o''brien@acme.com'", PushScopeScript.quoted("o'brien@acme.com"));
        assertEquals("'a\u2019\u2019b'", PushScopeScript.quoted("a\u2019b"), "PowerShell takes typographic quotes for quotes too");
        assertEquals("'$(Remove-Mailbox x)'", PushScopeScript.quoted("$(Remove-Mailbox x)"), "single quotes expand nothing");
        String filter = command(PushScopeScript.lines(APP, null, List.of("o'brien@acme.com"), null, null), "New-ManagementScope");
        // PowerShell reads the argument as: PrimarySmtpAddress -eq 'o''brien@acme.com' (OPATH: o'brien@acme.com).
        assertTrue(filter.endsWith("'PrimarySmtpAddress -eq ''o''''brien@acme.com'''"), filter);
    }

    @Test
    void aGroupMakesTheScopeFromItsMembersAndAnUnknownObjectIdIsAPlaceholderToReplace() {
        List<PushScopeScript.Line> lines = PushScopeScript.lines(APP, null, List.of("support@acme.com"), "push-mailboxes@acme.com", null);
        assertEquals("$groupDn = (Get-DistributionGroup -Identity 'push-mailboxes@acme.com').DistinguishedName",
                command(lines, "$groupDn"));
        assertTrue(command(lines, "New-ManagementScope").endsWith("-RecipientRestrictionFilter \"MemberOfGroup -eq '$groupDn'\""));
        assertTrue(command(lines, "New-ServicePrincipal").contains("-ObjectId '<object id of the enterprise application>'"));
        assertFalse(PushScopeScript.WARNING.isBlank());
        assertTrue(PushScopeScript.WARNING.contains("tenant-wide"));
    }

    @Test
    void noMailboxMeansAScopeThatMatchesNobodyNotEverybody() {
        assertEquals("PrimarySmtpAddress -eq 'nobody@invalid'", PushScopeScript.recipientFilter(List.of()));
    }

    private static String command(List<PushScopeScript.Line> lines, String start) {
        return lines.stream().map(PushScopeScript.Line::command).filter(command -> command.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + start + " in " + lines));
    }
}
