package com.workestra.sharedmailboxes.notifications.control;

import java.util.ArrayList;
import java.util.List;

/**
 * The Exchange Online PowerShell an admin runs so that the app-only identity may read only the mailboxes that use push
 * (RBAC for Applications: https://learn.microsoft.com/exchange/permissions-exo/application-rbac; cmdlets
 * New-ServicePrincipal, New-ManagementScope, Set-ManagementScope, New-ManagementRoleAssignment,
 * Test-ServicePrincipalAuthorization in https://learn.microsoft.com/powershell/module/exchange/). Every value is a
 * single-quoted PowerShell string (nothing in it is expanded), with its quotes doubled; the filter's own values are
 * single-quoted inside it in the same way, so an address can never end a string early. Escaping for HTML is the page's
 * (Faces escapes what it prints).
 */
public final class PushScopeScript {

    public static final String SCOPE_NAME = "Workestra push mailboxes";
    public static final String ASSIGNMENT_NAME = "Workestra push Mail.Read";
    public static final String DISPLAY_NAME = "Workestra shared mailboxes";
    public static final String WARNING = "Permissions add up: if the app also holds the application permission Mail.Read"
            + " consented tenant-wide in Microsoft Entra ID, it can still read every mailbox and this scope limits nothing."
            + " Remove that consent (Entra ID > Enterprise applications > the app > Permissions) and keep only this assignment.";
    public static final String PROPAGATION = "Exchange applies changes to an app's permissions after its cache refreshes:"
            + " 30 minutes to 2 hours.";

    /** One line to copy, and what it does in one sentence. */
    public record Line(String command, String purpose) implements java.io.Serializable {
    }

    private PushScopeScript() {
    }

    /**
     * @param clientId the app registration's client id
     * @param servicePrincipalObjectId the enterprise application's object id in the tenant, or null when not known
     * @param mailboxes the mailboxes the scope must hold (used when no group is named)
     * @param group a mail-enabled group whose direct members make the scope, or null
     * @param canary a mailbox that must stay outside the scope, or null
     */
    public static List<Line> lines(String clientId, String servicePrincipalObjectId, List<String> mailboxes, String group,
            String canary) {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("Connect-ExchangeOnline",
                "Signs you in to Exchange Online PowerShell (module ExchangeOnlineManagement) as an Exchange administrator."));
        String objectId = servicePrincipalObjectId == null ? "<object id of the enterprise application>" : servicePrincipalObjectId;
        lines.add(new Line("New-ServicePrincipal -AppId " + quoted(clientId) + " -ObjectId " + quoted(objectId)
                + " -DisplayName " + quoted(DISPLAY_NAME),
                servicePrincipalObjectId == null
                        ? "Makes Workestra's app known to Exchange; replace the placeholder with the Object ID shown in Entra ID > Enterprise applications (skip this line if Get-ServicePrincipal -Identity finds the app already)."
                        : "Makes Workestra's app known to Exchange (skip this line if Get-ServicePrincipal -Identity finds it already)."));
        String filter;
        if (group != null) {
            lines.add(new Line("$groupDn = (Get-DistributionGroup -Identity " + quoted(group) + ").DistinguishedName",
                    "Finds the mail-enabled group whose direct members (not members of nested groups) make the scope."));
            filter = "\"MemberOfGroup -eq '$groupDn'\"";
        } else {
            filter = quoted(recipientFilter(mailboxes));
        }
        lines.add(new Line("New-ManagementScope -Name " + quoted(SCOPE_NAME) + " -RecipientRestrictionFilter " + filter,
                group != null ? "Creates the management scope: the members of that group."
                        : "Creates the management scope: exactly the " + mailboxes.size() + " mailbox(es) that use push."));
        lines.add(new Line("Set-ManagementScope -Identity " + quoted(SCOPE_NAME) + " -RecipientRestrictionFilter " + filter,
                "Run this one instead of the line above when the scope exists already: it updates the scope to this list."));
        lines.add(new Line("New-ManagementRoleAssignment -Name " + quoted(ASSIGNMENT_NAME) + " -App " + quoted(clientId)
                + " -Role 'Application Mail.Read' -CustomResourceScope " + quoted(SCOPE_NAME),
                "Gives the app Mail.Read on the mailboxes of that scope only (once; it follows later changes of the scope)."));
        for (String mailbox : mailboxes) {
            lines.add(new Line("Test-ServicePrincipalAuthorization -Identity " + quoted(clientId) + " -Resource " + quoted(mailbox)
                    + " | Format-Table", "Checks the grant on " + mailbox + ": Application Mail.Read must show InScope True."));
        }
        if (canary != null) {
            lines.add(new Line("Test-ServicePrincipalAuthorization -Identity " + quoted(clientId) + " -Resource " + quoted(canary)
                    + " | Format-Table", "Checks a mailbox that must stay outside (" + canary + "): InScope must be False."));
        }
        return lines;
    }

    /** An OPATH filter that matches exactly these mailboxes by primary SMTP address. */
    static String recipientFilter(List<String> mailboxes) {
        if (mailboxes.isEmpty()) {
            // Nothing uses push: a filter that matches no recipient, rather than none at all (which would be everyone).
            return "PrimarySmtpAddress -eq 'nobody@invalid'";
        }
        List<String> terms = new ArrayList<>();
        for (String mailbox : mailboxes) {
            terms.add("PrimarySmtpAddress -eq " + quoted(mailbox));
        }
        return String.join(" -or ", terms);
    }

    /**
     * A PowerShell single-quoted string: nothing inside is expanded, and each quote is doubled, the typographic ones
     * too (PowerShell takes U+2018 to U+201B for single quotes).
     */
    public static String quoted(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (char c : value.toCharArray()) {
            if (c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B') {
                out.append(c);
            }
            if (c == '\n' || c == '\r') {
                continue;
            }
            out.append(c);
        }
        return out.append('\'').toString();
    }
}
