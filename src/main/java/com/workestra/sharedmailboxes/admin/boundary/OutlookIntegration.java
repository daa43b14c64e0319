package com.workestra.sharedmailboxes.admin.boundary;

import com.workestra.sharedmailboxes.admin.control.ConnectionRow;
import com.workestra.sharedmailboxes.admin.control.ServiceFailures;
import com.workestra.sharedmailboxes.admin.control.Toast;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.connections.boundary.AuthorizationRequest;
import com.workestra.sharedmailboxes.connections.boundary.OutlookConnections;
import com.workestra.sharedmailboxes.connections.entity.SignInRefusal;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import com.workestra.sharedmailboxes.sync.boundary.ConnectionFolders;
import com.workestra.sharedmailboxes.sync.boundary.FolderChoiceView;
import com.workestra.sharedmailboxes.sync.boundary.FolderChoices;
import com.workestra.sharedmailboxes.sync.boundary.SyncNow;
import com.workestra.sharedmailboxes.health.boundary.MailboxDiagnosis;
import com.workestra.sharedmailboxes.connections.boundary.SharedMailboxes;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.inject.Instance;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Settings → Integrations → Outlook, for every signed-in person: their connections, Connect, Add shared mailbox, Sync
 * now and the trash icon. Everything goes through the same facades as the REST API, as the signed-in caller.
 */
@Named("outlook")
@ViewScoped
public class OutlookIntegration implements Serializable {

    private static final long serialVersionUID = 1L;
    static final String PAGE = "/admin/outlook.xhtml";

    @Inject
    OutlookConnections connections;

    @Inject
    SharedMailboxes sharedMailboxes;

    @Inject
    SyncNow syncNow;

    @Inject
    ConnectionFolders folders;

    @Inject
    MailboxDiagnosis diagnosis;

    @Inject
    Instance<Caller> callers;

    private List<ConnectionRow> rows = List.of();
    private Toast notice;
    private Toast toast;
    private UUID addingTo;
    private String address;
    private String addError;
    private UUID confirming;
    private UUID choosingFolders;
    private List<FolderChoiceView> folderChoices = List.of();
    private List<String> selectedFolders = new java.util.ArrayList<>();
    private MailboxDiagnosis.Diagnosis diagnosed;

    @PostConstruct
    void load() {
        reload();
        Map<String, String> parameters = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap();
        notice = landing(parameters.get("connection"), parameters.get("error"));
    }

    /** Where the Outlook sign-in sent the browser back: ?connection= on success, ?error= otherwise. */
    private Toast landing(String connection, String error) {
        if (error != null) {
            return Toast.failed(switch (error) {
                case "CONSENT_DENIED" -> "You cancelled the Microsoft sign-in, so nothing was connected. Click Connect to try again.";
                case "STATE_EXPIRED" -> "The Microsoft sign-in took too long, so nothing was connected. Click Connect to try again.";
                case "STATE_INVALID" -> "This Microsoft sign-in was already used or is unknown, so nothing was connected. Click Connect to try again.";
                case "OUTLOOK_NOT_CONFIGURED" -> "The Outlook integration is not configured on this server yet. Ask your Workestra administrator.";
                case "BROWSER_MISMATCH", "TENANT_NOT_ALLOWED" -> SignInRefusal.sentenceFor(error);
                default -> "Microsoft did not complete the sign-in, so nothing was connected. Click Connect to try again.";
            });
        }
        if (connection != null) {
            Optional<ConnectionRow> connected = rows.stream().filter(row -> row.id().toString().equals(connection)).findFirst();
            return connected.map(row -> Toast.ok("Your Outlook account " + row.address() + " is connected."))
                    .orElse(null);
        }
        return null;
    }

    private void reload() {
        rows = ConnectionRow.grouped(connections.list(caller()));
        if (addingTo != null && rows.stream().noneMatch(row -> row.id().equals(addingTo))) {
            addingTo = null;
        }
        if (confirming != null && rows.stream().noneMatch(row -> row.id().equals(confirming))) {
            confirming = null;
        }
    }

    private Caller caller() {
        return callers.get();
    }

    /** The page's timer: fresh badges while a mailbox waits for its first sync. */
    public void refresh() {
        reload();
    }

    public void connect() throws IOException {
        startSignIn(null);
    }

    public void reconnect(UUID id) throws IOException {
        startSignIn(id);
    }

    private void startSignIn(UUID reconnect) throws IOException {
        newAction();
        try {
            ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
            OutlookConnections.SignInStart started = connections.startAuthorization(caller(), new AuthorizationRequest(PAGE, reconnect),
                    "https".equalsIgnoreCase(external.getRequestScheme()));
            // This browser is the one that signs in: it keeps the binding, as it would from the API's answer.
            external.addResponseHeader("Set-Cookie", started.binding().header());
            external.redirect(started.answer().authorizationUrl());
        } catch (RuntimeException e) {
            toast = Toast.failed(failure(e));
        }
    }

    /** Every action's answer replaces whatever notice or toast the page showed before. */
    private void newAction() {
        notice = null;
        toast = null;
        diagnosed = null;
    }

    public void openAdd(UUID parent) {
        newAction();
        addingTo = parent;
        address = null;
        addError = null;
        confirming = null;
    }

    public void cancelAdd() {
        newAction();
        addingTo = null;
        address = null;
        addError = null;
    }

    public void add() {
        newAction();
        UUID parent = addingTo;
        if (parent == null) {
            return;
        }
        try {
            UUID id = sharedMailboxes.add(caller(), parent, address);
            toast = Toast.ok(added(ConnectionRow.of(connections.get(caller(), id))));
            addingTo = null;
            address = null;
            addError = null;
        } catch (RuntimeException e) {
            addError = failure(e);
        }
        reload();
    }

    /** What is true of a mailbox just added, at the moment the page comes back: its first sync may be done already. */
    static String added(ConnectionRow row) {
        return switch (row.badge()) {
            case HEALTHY -> row.address() + " was added and its first sync has completed.";
            case ERROR -> row.address() + " was added, but its first sync failed: the reason is under its address.";
            case NEVER_SYNCED -> row.address() + " was added and its first sync requested: its row shows the progress"
                    + " and turns Healthy when the sync completes.";
            default -> row.address() + " was added.";
        };
    }

    public void syncNow(UUID id) {
        newAction();
        ConnectionRow row = row(id);
        try {
            syncNow.request(caller(), id);
            toast = Toast.ok("Sync requested for " + (row == null ? "the mailbox" : row.address()) + ".");
        } catch (RuntimeException e) {
            toast = Toast.failed("Sync now failed for " + (row == null ? "this mailbox" : row.address()) + ": " + failure(e));
        }
        reload();
    }

    /** The row's Folders button: which folders of the mailbox the connection syncs, to choose. */
    public void openFolders(UUID id) {
        newAction();
        confirming = null;
        addingTo = null;
        try {
            FolderChoices choices = folders.of(caller(), id);
            folderChoices = choices.folders();
            selectedFolders = new java.util.ArrayList<>(folderChoices.stream().filter(FolderChoiceView::selected)
                    .map(FolderChoiceView::folder).toList());
            choosingFolders = id;
        } catch (RuntimeException e) {
            toast = Toast.failed("Reading the folders failed: " + failure(e));
        }
    }

    public void saveFolders() {
        newAction();
        ConnectionRow row = row(choosingFolders);
        if (row == null) {
            choosingFolders = null;
            return;
        }
        try {
            folders.choose(caller(), row.id(), new FolderChoices.Selection(List.copyOf(selectedFolders)));
            toast = Toast.ok("Folders saved for " + row.address() + ". Deselected folders stop syncing; mail already synced stays.");
            choosingFolders = null;
        } catch (RuntimeException e) {
            toast = Toast.failed("Saving the folders of " + row.address() + " failed: " + failure(e));
        }
        reload();
    }

    /** "Check this mailbox": the diagnosis's sentences, shown above the list until the next action. */
    public void diagnose(UUID id) {
        newAction();
        ConnectionRow row = row(id);
        try {
            diagnosed = diagnosis.diagnose(caller(), id);
        } catch (RuntimeException e) {
            toast = Toast.failed("The check failed for " + (row == null ? "this mailbox" : row.address()) + ": " + failure(e));
        }
        reload();
    }

    public void cancelFolders() {
        newAction();
        choosingFolders = null;
    }

    public boolean choosingFolders(UUID id) {
        return id != null && id.equals(choosingFolders);
    }

    public List<FolderChoiceView> getFolderChoices() {
        return folderChoices;
    }

    public List<String> getSelectedFolders() {
        return selectedFolders;
    }

    public void setSelectedFolders(List<String> selectedFolders) {
        this.selectedFolders = selectedFolders == null ? new java.util.ArrayList<>() : new java.util.ArrayList<>(selectedFolders);
    }

    public MailboxDiagnosis.Diagnosis getDiagnosed() {
        return diagnosed;
    }

    public void askRemove(UUID id) {
        newAction();
        confirming = id;
        addingTo = null;
    }

    public void cancelRemove() {
        newAction();
        confirming = null;
    }

    public void remove() {
        newAction();
        ConnectionRow row = row(confirming);
        if (row == null) {
            confirming = null;
            return;
        }
        try {
            connections.disconnect(caller(), row.id());
            toast = Toast.ok(row.shared()
                    ? "The shared mailbox " + row.address() + " was removed. Your personal Outlook connection is untouched."
                    : row.address() + " was disconnected" + (row.sharedAddresses().isEmpty() ? "."
                    : ", and with it the shared mailboxes " + row.sharedAddressList() + "."));
        } catch (RuntimeException e) {
            toast = Toast.failed("Removing " + row.address() + " failed: " + failure(e));
        }
        confirming = null;
        reload();
    }

    private ConnectionRow row(UUID id) {
        return id == null ? null : rows.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }

    static String failure(RuntimeException e) {
        Optional<ServiceException> service = ServiceFailures.of(e);
        if (service.isPresent()) {
            return service.get().detail();
        }
        java.util.logging.Logger.getLogger(OutlookIntegration.class.getName())
                .log(java.util.logging.Level.WARNING, "console action failed", e);
        return "Something went wrong on our side. Try again in a moment.";
    }

    public List<ConnectionRow> getRows() {
        return rows;
    }

    public List<ConnectionRow.Group> getGroups() {
        return ConnectionRow.groups(rows);
    }

    public boolean isConnected() {
        return rows.stream().anyMatch(ConnectionRow::personal);
    }

    /** The page keeps refreshing while a row waits for its first sync, unless the person is typing an address. */
    public boolean isAwaitingSync() {
        return addingTo == null && rows.stream().anyMatch(ConnectionRow::neverSynced);
    }

    public boolean adding(UUID id) {
        return id != null && id.equals(addingTo);
    }

    public boolean confirming(UUID id) {
        return id != null && id.equals(confirming);
    }

    public Toast getNotice() {
        return notice;
    }

    public Toast getToast() {
        return toast;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public String getAddError() {
        return addError;
    }
}
