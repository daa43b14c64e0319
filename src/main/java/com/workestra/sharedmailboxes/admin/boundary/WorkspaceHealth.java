package com.workestra.sharedmailboxes.admin.boundary;

import com.workestra.sharedmailboxes.admin.control.ConnectionRow;
import com.workestra.sharedmailboxes.admin.control.Toast;
import com.workestra.sharedmailboxes.audit.boundary.AuditLog;
import com.workestra.sharedmailboxes.audit.entity.AuditEvent;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.boundary.OutlookConnections;
import com.workestra.sharedmailboxes.connections.boundary.OwnedConnection;
import com.workestra.sharedmailboxes.health.entity.Badge;
import com.workestra.sharedmailboxes.notifications.boundary.PushScope;
import com.workestra.sharedmailboxes.sync.boundary.SyncNow;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.inject.Instance;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The workspace admins' mailbox health: every connection of their workspace grouped by person, with the same badges as
 * each person's own page, filters, Sync now, and the audit trail.
 */
@Named("health")
@ViewScoped
public class WorkspaceHealth implements Serializable {

    private static final long serialVersionUID = 1L;
    static final int AUDIT_ROWS = 200;

    @Inject
    OutlookConnections connections;

    @Inject
    SyncNow syncNow;

    @Inject
    AuditLog auditLog;

    @Inject
    Instance<Caller> callers;

    @Inject
    PushScope scope;

    private List<Person> people = List.of();
    private Map<Badge, Long> counts = new EnumMap<>(Badge.class);
    private List<AuditLine> audit = List.of();
    private String badgeFilter;
    private String addressFilter;
    private String actionFilter;
    private String auditText;
    private Toast toast;
    private PushScope.View pushScope;
    private String scopeGroup;
    private String canaryAddress;

    /** One person's connections, in the order of their page. */
    public record Person(String userId, String upn, List<ConnectionRow> rows) implements Serializable {
    }

    /** One audit event as shown: when, who, what (in words), which mailbox, anything more. */
    public record AuditLine(Instant at, String who, String action, String mailbox, String detail) implements Serializable {
        public String when() {
            return ConnectionRow.shown(at);
        }

        public String whenIso() {
            return at == null ? "" : at.toString();
        }
    }

    @PostConstruct
    void load() {
        reload();
        reloadAudit();
        reloadScope();
    }

    /** The app-only identity's scope: the shared mailboxes' delivery, the PowerShell, the last canary check. */
    private void reloadScope() {
        try {
            pushScope = scope.view(caller(), null, scopeGroup, canaryAddress);
        } catch (RuntimeException e) {
            pushScope = null;
            toast = Toast.failed("The push scope could not be shown: " + OutlookIntegration.failure(e));
        }
    }

    /** The script again, for the group or canary typed in. */
    public void showScopeScript() {
        toast = null;
        reloadScope();
    }

    /** Runs the canary now (the app-only identity asks Microsoft), then shows its verdict. */
    public void checkScope() {
        toast = null;
        try {
            PushScope.Check check = scope.check(caller(), canaryAddress);
            toast = check.outcome() == PushScope.Outcome.SCOPED ? Toast.ok(check.label() + ". " + check.detail())
                    : Toast.failed(check.label() + ". " + check.detail());
        } catch (RuntimeException e) {
            toast = Toast.failed("The scope could not be checked: " + OutlookIntegration.failure(e));
        }
        PushScope.View shown = pushScope;
        reloadScope();
        if (pushScope == null) {
            pushScope = shown;
        }
    }

    public PushScope.View getPushScope() {
        return pushScope;
    }

    /** "Push scoped", "Push unscoped: …", "Not checked" and the like. */
    public String getScopeStatus() {
        PushScope.Check last = pushScope == null ? null : pushScope.lastCheck();
        return last == null ? PushScope.Outcome.NOT_CHECKED.label() : last.label();
    }

    public String getScopeOutcome() {
        PushScope.Check last = pushScope == null ? null : pushScope.lastCheck();
        return last == null ? PushScope.Outcome.NOT_CHECKED.name() : last.outcome().name();
    }

    public String getScopeCheckedAt() {
        PushScope.Check last = pushScope == null ? null : pushScope.lastCheck();
        return last == null ? "" : ConnectionRow.shown(last.checkedAt());
    }

    public String getScopeGroup() {
        return scopeGroup;
    }

    public void setScopeGroup(String scopeGroup) {
        this.scopeGroup = scopeGroup;
    }

    public String getCanaryAddress() {
        return canaryAddress;
    }

    public void setCanaryAddress(String canaryAddress) {
        this.canaryAddress = canaryAddress;
    }

    private Caller caller() {
        return callers.get();
    }

    private void reload() {
        List<OwnedConnection> all = connections.ofWorkspace(caller());
        counts = new EnumMap<>(Badge.class);
        for (Badge badge : Badge.values()) {
            counts.put(badge, 0L);
        }
        Map<String, List<OwnedConnection>> byPerson = new LinkedHashMap<>();
        for (OwnedConnection owned : all) {
            counts.merge(ConnectionRow.of(owned.connection()).badge(), 1L, Long::sum);
            byPerson.computeIfAbsent(owned.userId(), id -> new ArrayList<>()).add(owned);
        }
        List<Person> shown = new ArrayList<>();
        byPerson.forEach((userId, owned) -> {
            List<ConnectionRow> rows = ConnectionRow.grouped(owned.stream().map(OwnedConnection::connection).toList())
                    .stream().filter(this::matches).toList();
            if (!rows.isEmpty()) {
                String upn = owned.get(0).userUpn();
                shown.add(new Person(userId, upn == null ? userId : upn, rows));
            }
        });
        people = shown;
    }

    private boolean matches(ConnectionRow row) {
        if (badgeFilter != null && !badgeFilter.isBlank() && !row.badgeName().equals(badgeFilter)) {
            return false;
        }
        return addressFilter == null || addressFilter.isBlank()
                || row.address().toLowerCase(Locale.ROOT).contains(addressFilter.trim().toLowerCase(Locale.ROOT));
    }

    private void reloadAudit() {
        AuditEvent.Action action = null;
        if (actionFilter != null && !actionFilter.isBlank()) {
            try {
                action = AuditEvent.Action.valueOf(actionFilter);
            } catch (IllegalArgumentException unknown) {
                actionFilter = null;
            }
        }
        audit = auditLog.ofWorkspace(caller(), action, auditText, AUDIT_ROWS).stream()
                .map(event -> new AuditLine(event.occurredAt(), event.userUpn() == null ? event.userId() : event.userUpn(),
                        actionWords(event.action()), event.mailbox(), event.detail()))
                .toList();
    }

    public static String actionWords(String action) {
        return switch (action) {
            case "CONNECTED" -> "Connected Outlook";
            case "RECONNECTED" -> "Reconnected Outlook";
            case "DISCONNECTED" -> "Disconnected Outlook";
            case "SHARED_MAILBOX_ADDED" -> "Added shared mailbox";
            case "SHARED_MAILBOX_REMOVED" -> "Removed shared mailbox";
            case "SENT" -> "Sent";
            case "REPLIED" -> "Replied";
            case "MARKED_READ" -> "Marked read";
            case "MARKED_UNREAD" -> "Marked unread";
            case "DIAGNOSED" -> "Checked a mailbox";
            default -> action;
        };
    }

    /** The audit action in words, for the filter's options. */
    public String describe(String action) {
        return actionWords(action);
    }

    public void filter() {
        toast = null;
        reload();
    }

    public void clearFilter() {
        toast = null;
        badgeFilter = null;
        addressFilter = null;
        reload();
    }

    public void filterAudit() {
        toast = null;
        reloadAudit();
    }

    public void clearAuditFilter() {
        toast = null;
        actionFilter = null;
        auditText = null;
        reloadAudit();
    }

    public void refresh() {
        reload();
    }

    public void syncNow(UUID id, String address) {
        toast = null;
        try {
            syncNow.requestAsAdmin(caller(), id);
            toast = Toast.ok("Sync requested for " + address + ".");
        } catch (RuntimeException e) {
            toast = Toast.failed("Sync now failed for " + address + ": " + OutlookIntegration.failure(e));
        }
        reload();
    }

    public List<Person> getPeople() {
        return people;
    }

    public List<BadgeCount> getCounts() {
        List<BadgeCount> list = new ArrayList<>();
        counts.forEach((badge, n) -> list.add(new BadgeCount(badge.apiName(), badge.label(), n)));
        return list;
    }

    public record BadgeCount(String name, String label, long count) implements Serializable {
    }

    public List<Badge> getBadges() {
        return List.of(Badge.values());
    }

    public List<AuditEvent.Action> getActions() {
        return List.of(AuditEvent.Action.values());
    }

    public boolean isAwaitingSync() {
        return people.stream().flatMap(p -> p.rows().stream()).anyMatch(ConnectionRow::neverSynced);
    }

    public List<AuditLine> getAudit() {
        return audit;
    }

    public Toast getToast() {
        return toast;
    }

    public String getBadgeFilter() {
        return badgeFilter;
    }

    public void setBadgeFilter(String badgeFilter) {
        this.badgeFilter = badgeFilter;
    }

    public String getAddressFilter() {
        return addressFilter;
    }

    public void setAddressFilter(String addressFilter) {
        this.addressFilter = addressFilter;
    }

    public String getActionFilter() {
        return actionFilter;
    }

    public void setActionFilter(String actionFilter) {
        this.actionFilter = actionFilter;
    }

    public String getAuditText() {
        return auditText;
    }

    public void setAuditText(String auditText) {
        this.auditText = auditText;
    }
}
