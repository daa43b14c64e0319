package com.workestra.sharedmailboxes.m365emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The emulated tenant: Entra ID directory, Exchange mailboxes and permissions, and the faults a test
 * wants Graph to show. All methods are thread-safe.
 */
public final class Tenant {

    enum Right {
        FULL_ACCESS, SEND_AS, SEND_ON_BEHALF
    }

    private static final Set<String> READ_SCOPES = Set.of("Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite",
            "Mail.Read.Shared", "Mail.ReadWrite.Shared");
    private static final Set<String> SHARED_READ_SCOPES = Set.of("Mail.Read.Shared", "Mail.ReadWrite.Shared");
    private static final Set<String> READ_ROLES = Set.of("Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic.All", "Mail.ReadBasic");

    interface MailboxEvents {
        void messageChanged(Mailbox mailbox, MailMessage message, String changeType);

        List<SubscriptionView> subscriptions();

        void fireLifecycleEvent(String subscriptionId, String lifecycleEvent);

        NotificationStats stats();

        long failedAttemptsAt(String urlPrefix);

        void dropNotifications(boolean drop);

        boolean forget(String subscriptionId);

        void notificationLatency(Duration latency);

        Duration notificationLatency();

        List<NotificationDelivery> deliveries();
    }

    private record PermissionState(boolean current, boolean previous, long effectiveAtMillis) {
        boolean value(long nowMillis) {
            return nowMillis >= effectiveAtMillis ? current : previous;
        }
    }

    private record Fault(int remaining, int status, Duration retryAfter) {
    }

    private final EmulatorSettings settings;
    private final Clock clock;
    private final Map<String, Recipient> byOid = new ConcurrentHashMap<>();
    private final Map<String, Recipient> byAddress = new ConcurrentHashMap<>();
    private final Map<Integer, Mailbox> mailboxesByNumber = new ConcurrentHashMap<>();
    private final Map<String, PermissionState> permissions = new ConcurrentHashMap<>();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final List<SentMail> sent = new CopyOnWriteArrayList<>();
    private final OutgoingAttachments outgoingAttachments = new OutgoingAttachments();
    private final List<SubscriptionCall> subscriptionCalls = new CopyOnWriteArrayList<>();
    private final Map<String, List<MailboxRequest>> mailboxRequests = new ConcurrentHashMap<>();
    private volatile Duration permissionPropagationDelay;
    /** Exchange RBAC for Applications: which mailboxes the app-only identity may reach (see {@link #limitAppOnlyScope}). */
    private volatile AppScope appScope = new AppScope(null, null, 0);
    private volatile Duration appScopePropagationDelay = Duration.ZERO;
    private final AtomicInteger mailboxNumbers = new AtomicInteger();
    private final AtomicLong latencyMillis = new AtomicLong();
    private final Map<String, SendHold> sendHolds = new ConcurrentHashMap<>();
    private volatile MailboxEvents events;
    private final java.util.concurrent.atomic.AtomicInteger subscriptionCreateFaults = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int subscriptionCreateFaultStatus = 503;

    Tenant(EmulatorSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.permissionPropagationDelay = settings.permissionPropagationDelay();
    }

    void listen(MailboxEvents listener) {
        this.events = listener;
    }

    // ---- directory

    public DirectoryUser createUser(String upn, String displayName) {
        return createUser(upn, displayName, UUID.randomUUID().toString());
    }

    /** A user with a given object id, so that ids derived from it (the pairwise sub) stay the same across runs. */
    public DirectoryUser createUser(String upn, String displayName, String oid) {
        Recipient user = register(RecipientKind.USER, upn, displayName, oid);
        return new DirectoryUser(user.oid, user.address, user.displayName);
    }

    public Mailbox createSharedMailbox(String address, String displayName) {
        return register(RecipientKind.SHARED_MAILBOX, address, displayName).mailbox;
    }

    public void createDistributionList(String address, String displayName) {
        register(RecipientKind.DISTRIBUTION_LIST, address, displayName);
    }

    private Recipient register(RecipientKind kind, String address, String displayName) {
        return register(kind, address, displayName, UUID.randomUUID().toString());
    }

    private synchronized Recipient register(RecipientKind kind, String address, String displayName, String oid) {
        Objects.requireNonNull(address, "address");
        if (byOid.containsKey(oid)) {
            throw new IllegalArgumentException("object id " + oid + " already exists");
        }
        String key = address.toLowerCase(Locale.ROOT);
        if (byAddress.containsKey(key)) {
            throw new IllegalArgumentException(address + " already exists");
        }
        String name = displayName == null || displayName.isBlank() ? address : displayName;
        Mailbox mailbox = null;
        if (kind != RecipientKind.DISTRIBUTION_LIST) {
            mailbox = new Mailbox(mailboxNumbers.incrementAndGet(), oid, address, name, kind);
            mailboxesByNumber.put(mailbox.number, mailbox);
        }
        Recipient recipient = new Recipient(oid, kind, address, name, mailbox);
        byOid.put(oid, recipient);
        byAddress.put(key, recipient);
        return recipient;
    }

    public synchronized void renameUser(String oid, String newUpn) {
        Recipient user = byOid.get(oid);
        if (user == null || user.kind != RecipientKind.USER) {
            throw new IllegalArgumentException("no user " + oid);
        }
        readdress(user, newUpn);
    }

    /**
     * An admin changes a shared mailbox's address (its UPN and primary SMTP address): same object, same mailbox and
     * folders, new address. As in Microsoft 365, the old address no longer resolves ({@code /users/{old}} is 404
     * {@code ErrorInvalidUser}).
     */
    public synchronized void renameSharedMailbox(String address, String newAddress) {
        Recipient shared = find(address);
        if (shared == null || shared.kind != RecipientKind.SHARED_MAILBOX) {
            throw new IllegalArgumentException("no shared mailbox " + address);
        }
        readdress(shared, newAddress);
    }

    private void readdress(Recipient recipient, String newAddress) {
        String key = newAddress.toLowerCase(Locale.ROOT);
        if (byAddress.containsKey(key)) {
            throw new IllegalArgumentException(newAddress + " already exists");
        }
        byAddress.remove(recipient.address.toLowerCase(Locale.ROOT));
        recipient.address = newAddress;
        recipient.mailbox.address = newAddress;
        byAddress.put(key, recipient);
    }

    /**
     * An admin deletes a user or a shared mailbox, with its mailbox: its address is free for a new object (a new hire
     * with a former colleague's UPN, a shared mailbox created again), which gets a new object id, a new mailbox and new
     * folder ids. The old object's tokens stop working and its address resolves to the new object, if any.
     */
    public synchronized void deleteMailbox(String address) {
        Recipient recipient = find(address);
        if (recipient == null || recipient.mailbox == null) {
            throw new IllegalArgumentException("no user or shared mailbox " + address);
        }
        byAddress.remove(recipient.address.toLowerCase(Locale.ROOT));
        byOid.remove(recipient.oid);
        mailboxesByNumber.remove(recipient.mailbox.number);
        permissions.keySet().removeIf(key -> key.startsWith(recipient.oid + '|') || key.contains('|' + recipient.oid + '|'));
    }

    public List<DirectoryUser> users() {
        List<DirectoryUser> users = new ArrayList<>();
        for (Recipient recipient : byOid.values()) {
            if (recipient.kind == RecipientKind.USER) {
                users.add(new DirectoryUser(recipient.oid, recipient.address, recipient.displayName));
            }
        }
        users.sort(java.util.Comparator.comparing(DirectoryUser::upn));
        return users;
    }

    public List<Mailbox> sharedMailboxes() {
        List<Mailbox> shared = new ArrayList<>();
        for (Recipient recipient : byOid.values()) {
            if (recipient.kind == RecipientKind.SHARED_MAILBOX) {
                shared.add(recipient.mailbox);
            }
        }
        shared.sort(java.util.Comparator.comparing(Mailbox::address));
        return shared;
    }

    /** An object id or an address/UPN (case-insensitive); null when unknown. */
    Recipient find(String idOrAddress) {
        if (idOrAddress == null) {
            return null;
        }
        Recipient byId = byOid.get(idOrAddress.toLowerCase(Locale.ROOT));
        return byId != null ? byId : byAddress.get(idOrAddress.toLowerCase(Locale.ROOT));
    }

    /** An admin renames a user or mailbox (its display name, not its address): Graph answers the new name from now on. */
    public void changeDisplayName(String idOrAddress, String displayName) {
        Recipient recipient = require(idOrAddress);
        recipient.displayName = displayName;
        if (recipient.mailbox != null) {
            recipient.mailbox.displayName = displayName;
        }
    }

    Recipient require(String idOrAddress) {
        Recipient recipient = find(idOrAddress);
        if (recipient == null) {
            throw new IllegalArgumentException("unknown user, mailbox or list: " + idOrAddress);
        }
        return recipient;
    }

    Mailbox requireMailbox(String idOrAddress) {
        Recipient recipient = require(idOrAddress);
        if (recipient.mailbox == null) {
            throw new IllegalArgumentException(idOrAddress + " has no mailbox");
        }
        return recipient.mailbox;
    }

    Mailbox mailboxByNumber(int number) {
        return mailboxesByNumber.get(number);
    }

    // ---- Exchange permissions

    public void grantFullAccess(String mailbox, String userUpnOrOid) {
        setRight(mailbox, userUpnOrOid, Right.FULL_ACCESS, true);
    }

    public void revokeFullAccess(String mailbox, String userUpnOrOid) {
        setRight(mailbox, userUpnOrOid, Right.FULL_ACCESS, false);
    }

    public void grantSendAs(String mailbox, String userUpnOrOid) {
        setRight(mailbox, userUpnOrOid, Right.SEND_AS, true);
    }

    public void revokeSendAs(String mailbox, String userUpnOrOid) {
        setRight(mailbox, userUpnOrOid, Right.SEND_AS, false);
    }

    public void grantSendOnBehalf(String mailbox, String userUpnOrOid) {
        setRight(mailbox, userUpnOrOid, Right.SEND_ON_BEHALF, true);
    }

    public void revokeSendOnBehalf(String mailbox, String userUpnOrOid) {
        setRight(mailbox, userUpnOrOid, Right.SEND_ON_BEHALF, false);
    }

    /**
     * How long Exchange keeps answering as before after a permission change, from now on (grants and revocations
     * alike). Microsoft: "Permission changes can take up to 60 minutes to propagate"; tests use seconds. Changes made
     * before keep the delay they were made with.
     */
    public void setPermissionPropagationDelay(Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("the propagation delay must be zero or positive");
        }
        permissionPropagationDelay = delay;
    }

    public Duration permissionPropagationDelay() {
        return permissionPropagationDelay;
    }

    private void setRight(String mailboxOrList, String userUpnOrOid, Right right, boolean granted) {
        Recipient target = require(mailboxOrList);
        Recipient user = require(userUpnOrOid);
        if (user.kind != RecipientKind.USER) {
            throw new IllegalArgumentException(userUpnOrOid + " is not a user");
        }
        if (right == Right.FULL_ACCESS && target.mailbox == null) {
            throw new IllegalArgumentException(mailboxOrList + " has no mailbox");
        }
        long now = clock.millis();
        long effectiveAt = now + permissionPropagationDelay.toMillis();
        permissions.compute(permissionKey(target.oid, user.oid, right), (key, old) -> {
            boolean before = old != null && old.value(now);
            return new PermissionState(granted, before, effectiveAt);
        });
    }

    private static String permissionKey(String targetOid, String userOid, Right right) {
        return targetOid + '|' + userOid + '|' + right;
    }

    private boolean hasRight(Recipient target, Recipient user, Right right) {
        if (target.oid.equals(user.oid)) {
            return true;
        }
        PermissionState state = permissions.get(permissionKey(target.oid, user.oid, right));
        return state != null && state.value(clock.millis());
    }

    /**
     * The app's management scope as Exchange applies it: {@code current} from {@code effectiveAtMillis} on, {@code previous}
     * before (null: unscoped, every mailbox of the tenant, which is what a tenant-wide Mail.Read consent in Entra gives).
     */
    private record AppScope(Set<String> current, Set<String> previous, long effectiveAtMillis) {
        Set<String> at(long nowMillis) {
            return nowMillis >= effectiveAtMillis ? current : previous;
        }
    }

    /**
     * Exchange RBAC for Applications: the app-only identity may reach only these mailboxes from now on (after
     * {@link #setAppScopePropagationDelay}), as a management scope assigned with "Application Mail.Read" does when the
     * app holds no tenant-wide Mail.Read consent in Entra (permissions add up). Outside it, Graph answers 403
     * ErrorAccessDenied "Access to OData is disabled." (https://learn.microsoft.com/exchange/permissions-exo/application-rbac,
     * https://learn.microsoft.com/graph/auth-limit-mailbox-access).
     */
    public synchronized void limitAppOnlyScope(java.util.Collection<String> mailboxes) {
        Set<String> oids = new java.util.HashSet<>();
        for (String mailbox : mailboxes) {
            oids.add(require(mailbox).oid);
        }
        changeAppScope(Set.copyOf(oids));
    }

    /** Back to no scope: the app-only identity reaches every mailbox (the default; a tenant-wide consent). */
    public synchronized void unscopeAppOnly() {
        changeAppScope(null);
    }

    private void changeAppScope(Set<String> oids) {
        long now = clock.millis();
        appScope = new AppScope(oids, appScope.at(now), now + appScopePropagationDelay.toMillis());
    }

    /**
     * How long Exchange keeps applying the previous scope after a change. Microsoft: changes to app permissions take
     * effect after a cache refresh of 30 minutes to 2 hours (application-rbac, "Limitations"); tests use zero.
     */
    public void setAppScopePropagationDelay(Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("the propagation delay must be zero or positive");
        }
        appScopePropagationDelay = delay;
    }

    /** Whether the app-only identity may reach this mailbox now (its management scope, if any). */
    boolean appMayReach(String ownerOid) {
        Set<String> scope = appScope.at(clock.millis());
        return scope == null || scope.contains(ownerOid);
    }

    private void requireAppReach(Recipient owner) {
        if (!appMayReach(owner.oid)) {
            throw GraphException.odataDisabled();
        }
    }

    /** Who a message goes out as: {@code from}, as recipients see it, and {@code sender}, who submitted it. */
    record Sending(EmailAddress from, EmailAddress sender) {
    }

    /**
     * Exchange's rule for reading a mailbox's mail through Graph: one's own mailbox with any Mail.Read* scope; another's
     * with a .Shared scope and Full Access; app-only with a Mail.Read* role. Otherwise 403 ErrorAccessDenied, except
     * that a folder of another mailbox this person may not open is "not found" to them: 404 ErrorItemNotFound
     * (python-o365 #170, microsoft-graph-docs #11233); the mailbox's unscoped message collection answers 403.
     */
    void requireMailRead(TokenService.Caller caller, Recipient owner, boolean folderScoped) {
        if (caller.appOnly()) {
            if (READ_ROLES.stream().noneMatch(caller::hasRole)) {
                throw GraphException.accessDenied();
            }
            requireAppReach(owner);
            return;
        }
        Recipient user = find(caller.oid());
        if (owner.oid.equals(caller.oid())) {
            if (READ_SCOPES.stream().noneMatch(caller::hasScope)) {
                throw GraphException.accessDenied();
            }
            return;
        }
        if (SHARED_READ_SCOPES.stream().noneMatch(caller::hasScope)) {
            throw GraphException.accessDenied();
        }
        if (!hasRight(owner, user, Right.FULL_ACCESS)) {
            throw folderScoped ? GraphException.folderHidden() : GraphException.accessDenied();
        }
    }

    /** Changing a message (isRead): Mail.ReadWrite on one's own, Mail.ReadWrite.Shared and Full Access on another's. */
    void requireMailWrite(TokenService.Caller caller, Recipient owner) {
        if (caller.appOnly()) {
            if (!caller.hasRole("Mail.ReadWrite")) {
                throw GraphException.accessDenied();
            }
            requireAppReach(owner);
            return;
        }
        Recipient user = find(caller.oid());
        if (owner.oid.equals(caller.oid())) {
            if (!caller.hasScope("Mail.ReadWrite") && !caller.hasScope("Mail.ReadWrite.Shared")) {
                throw GraphException.accessDenied();
            }
            return;
        }
        if (!caller.hasScope("Mail.ReadWrite.Shared") || !hasRight(owner, user, Right.FULL_ACCESS)) {
            throw GraphException.accessDenied();
        }
    }

    /**
     * Exchange's rules for who may send from where (Graph docs: "Send Outlook messages from another user"): sending
     * through another mailbox needs Full Access and Mail.Send.Shared; a from address other than the signed-in user's
     * needs Send As (sender = from) or Send on Behalf (sender = the user); otherwise 403 ErrorSendAsDenied.
     *
     * @param owner the mailbox the request goes through ({@code /me} or {@code /users/{id}})
     * @param fromAddress the message's {@code from}, null when it has none
     */
    Sending requireSend(TokenService.Caller caller, Recipient owner, String fromAddress) {
        if (caller.appOnly()) {
            if (!caller.hasRole("Mail.Send")) {
                throw GraphException.accessDenied();
            }
            requireAppReach(owner);
            if (fromAddress != null && !fromAddress.equalsIgnoreCase(owner.address)) {
                throw GraphException.sendAsDenied();
            }
            return new Sending(owner.emailAddress(), owner.emailAddress());
        }
        Recipient user = find(caller.oid());
        boolean ownMailbox = owner.oid.equals(user.oid);
        if (ownMailbox) {
            if (!caller.hasScope("Mail.Send") && !caller.hasScope("Mail.Send.Shared")) {
                throw GraphException.accessDenied();
            }
        } else if (!caller.hasScope("Mail.Send.Shared") || !hasRight(owner, user, Right.FULL_ACCESS)) {
            throw GraphException.accessDenied();
        }
        Recipient from = fromAddress == null ? owner : find(fromAddress);
        if (from == null) {
            throw GraphException.sendAsDenied();
        }
        if (from.oid.equals(user.oid)) {
            return new Sending(user.emailAddress(), user.emailAddress());
        }
        if (!caller.hasScope("Mail.Send.Shared")) {
            throw GraphException.accessDenied();
        }
        if (hasRight(from, user, Right.SEND_AS)) {
            return new Sending(from.emailAddress(), from.emailAddress());
        }
        if (hasRight(from, user, Right.SEND_ON_BEHALF)) {
            return new Sending(from.emailAddress(), user.emailAddress());
        }
        throw GraphException.sendAsDenied();
    }

    // ---- consent and sign-in state

    public void setConsentPolicy(String userUpnOrOid, Set<String> grantableScopes) {
        Recipient user = require(userUpnOrOid);
        user.grantableScopes = grantableScopes == null ? null : Set.copyOf(grantableScopes);
        user.refusesConsent = false;
    }

    /**
     * A directory extension attribute of a user (Entra: a schema extension on the user object), which an application's
     * claims-mapping policy emits in its ID tokens under {@code name} when the name is one of the
     * {@link EmulatorSettings#idTokenOptionalClaims}. A null value removes it.
     */
    public void setDirectoryAttribute(String userUpnOrOid, String name, String value) {
        Recipient user = require(userUpnOrOid);
        if (value == null) {
            user.directoryAttributes.remove(name);
        } else {
            user.directoryAttributes.put(name, value);
        }
    }

    /** The cloud-only groups a user belongs to, by display name; emitted as the {@code groups} claim when configured. */
    public void setGroups(String userUpnOrOid, java.util.List<String> groupNames) {
        require(userUpnOrOid).groups = java.util.List.copyOf(groupNames);
    }

    public void refuseConsent(String userUpnOrOid) {
        require(userUpnOrOid).refusesConsent = true;
    }

    /**
     * Access tokens issued to this user from now on live this long (Entra's configurable token lifetimes; the default
     * is the tenant's, about an hour). Tests use a short one to make the service refresh on every call.
     */
    public void setAccessTokenLifetime(String userUpnOrOid, Duration lifetime) {
        require(userUpnOrOid).accessTokenLifetime = lifetime;
    }

    /** How often the user's refresh tokens were redeemed (each a refresh by the app). */
    public int refreshTokenRedemptions(String userUpnOrOid) {
        return require(userUpnOrOid).refreshes.get();
    }

    public void revokeTokens(String userUpnOrOid) {
        require(userUpnOrOid).tokensRevokedAtMillis = clock.millis();
    }

    // ---- mail

    public String deliver(String mailbox, String fromAddress, String subject, String textBody) {
        return deliver(mailbox, fromAddress, List.of(requireMailbox(mailbox).address), List.of(), subject, textBody);
    }

    /**
     * A message from outside arriving in {@code mailbox}'s Inbox, addressed as its headers say: {@code to} and
     * {@code cc} are what every recipient sees (the mailbox may be on either list, or on neither when it was a Bcc).
     */
    public String deliver(String mailbox, String fromAddress, List<String> to, List<String> cc, String subject, String textBody) {
        return deliver(mailbox, fromAddress, to, cc, subject, "text", textBody);
    }

    /**
     * A message from outside that Exchange files straight into {@code folder} (a well-known name or a folder id) on
     * delivery, as an Outlook inbox rule ("move messages from … to folder …") does: it never shows in the Inbox.
     *
     * @return the message's Graph id (immutable)
     */
    public String deliverInto(String mailbox, String folder, String fromAddress, String subject, String textBody) {
        Mailbox target = requireMailbox(mailbox);
        MailFolder into = target.folder(folder);
        if (into == null) {
            throw new IllegalArgumentException("no folder " + folder + " in " + mailbox);
        }
        MailMessage message = deliver(target, into, fromAddress, List.of(target.address), List.of(), subject, "text",
                textBody, newInternetMessageId(fromAddress), null, null, key -> { });
        return MessageIds.message(target.number, message.key(), true);
    }

    /** Mail whose body is HTML, as newsletters and most Outlook mail are. */
    public String deliverHtml(String mailbox, String fromAddress, String subject, String htmlBody) {
        return deliver(mailbox, fromAddress, List.of(requireMailbox(mailbox).address), List.of(), subject, "html", htmlBody);
    }

    /**
     * HTML mail with attachments (files, inline images the body shows as {@code cid:}, attached e-mails, cloud links),
     * as Exchange would hold it after delivery: the attachments are on the message before anyone can see it.
     *
     * @return the message's Graph id (immutable)
     */
    public String deliverWithAttachments(String mailbox, String fromAddress, String subject, String htmlBody,
                                         List<Attachment> attachments) {
        Mailbox target = requireMailbox(mailbox);
        long now = clock.millis();
        List<Attachment> delivered = attachments.stream().map(attachment -> attachment.deliveredAt(now)).toList();
        MailMessage message = deliver(target, fromAddress, List.of(target.address), List.of(), subject, "html", htmlBody,
                newInternetMessageId(fromAddress), null, null, key -> target.attachments.put(key, delivered));
        return MessageIds.message(target.number, message.key(), true);
    }

    private String deliver(String mailbox, String fromAddress, List<String> to, List<String> cc, String subject,
                           String contentType, String body) {
        Mailbox target = requireMailbox(mailbox);
        MailMessage message = deliver(target, fromAddress, to, cc, subject, contentType, body,
                newInternetMessageId(fromAddress), null, null);
        return MessageIds.message(target.number, message.key(), true);
    }

    /**
     * One mail from outside (a customer's mail program: no Outlook conversation index) to the tenant's mailboxes among
     * {@code to} and {@code cc}, as one internet message: the same internetMessageId in each Inbox. A reply names what
     * it answers in {@code inReplyTo} and {@code references} (RFC 5322 3.6.4, ids space-separated; null for a new mail).
     * Each mailbox files it in the Outlook conversation of a message there that it references, else in a new
     * conversation of its own: how Exchange derives conversationId for mail from outside is not documented, so the
     * emulator promises nothing across mailboxes, and the service must not rely on it.
     *
     * @return the internetMessageId
     */
    public String deliverFromOutside(String fromAddress, List<String> to, List<String> cc, String subject, String textBody,
                                     String inReplyTo, String references) {
        String internetMessageId = newInternetMessageId(fromAddress);
        Map<String, Mailbox> targets = new LinkedHashMap<>();
        for (List<String> list : List.of(to, cc)) {
            for (String address : list) {
                Recipient recipient = find(address);
                if (recipient != null && recipient.mailbox != null) {
                    targets.putIfAbsent(recipient.oid, recipient.mailbox);
                }
            }
        }
        for (Mailbox target : targets.values()) {
            deliver(target, fromAddress, to, cc, subject, "text", textBody, internetMessageId, inReplyTo, references);
        }
        return internetMessageId;
    }

    private MailMessage deliver(Mailbox target, String fromAddress, List<String> to, List<String> cc, String subject,
                                String contentType, String body, String internetMessageId, String inReplyTo,
                                String references) {
        return deliver(target, fromAddress, to, cc, subject, contentType, body, internetMessageId, inReplyTo, references,
                key -> { });
    }

    private MailMessage deliver(Mailbox target, String fromAddress, List<String> to, List<String> cc, String subject,
                                String contentType, String body, String internetMessageId, String inReplyTo,
                                String references, java.util.function.LongConsumer beforeVisible) {
        return deliver(target, target.folders.get(Mailbox.INBOX), fromAddress, to, cc, subject, contentType, body,
                internetMessageId, inReplyTo, references, beforeVisible);
    }

    private MailMessage deliver(Mailbox target, MailFolder into, String fromAddress, List<String> to, List<String> cc,
                                String subject, String contentType, String body, String internetMessageId, String inReplyTo,
                                String references, java.util.function.LongConsumer beforeVisible) {
        EmailAddress from = emailAddress(fromAddress);
        List<EmailAddress> shownTo = to.stream().map(this::emailAddress).toList();
        List<EmailAddress> shownCc = cc.stream().map(this::emailAddress).toList();
        long now = clock.millis();
        String conversationId = conversationOf(target, (references == null ? "" : references) + " "
                + (inReplyTo == null ? "" : inReplyTo));
        MailMessage message = target.add((key, seq) -> {
            beforeVisible.accept(key);
            return new MailMessage(key, into.number, seq, seq, false, subject,
                    contentType, body, from, from, shownTo, shownCc, now, now, now, false, false,
                    conversationId != null ? conversationId : newConversationId(), internetMessageId, inReplyTo, references);
        });
        fire(target, message, "created");
        return message;
    }

    /** The conversationId of a message in {@code mailbox} whose internetMessageId {@code ids} names, or null. */
    private static String conversationOf(Mailbox mailbox, String ids) {
        Set<String> wanted = new HashSet<>(List.of(ids.trim().split("\\s+")));
        wanted.remove("");
        if (wanted.isEmpty()) {
            return null;
        }
        for (MailFolder folder : mailbox.folders) {
            for (MailMessage message : folder.byReceived.values()) {
                if (!message.deleted() && wanted.contains(message.internetMessageId())) {
                    return message.conversationId();
                }
            }
        }
        return null;
    }

    private EmailAddress emailAddress(String address) {
        Recipient known = find(address);
        return known != null ? known.emailAddress() : new EmailAddress(address, address);
    }

    /** Whether Exchange has the message as read (what Outlook shows), by its Graph id. */
    public boolean isRead(String mailbox, String messageId) {
        Mailbox target = requireMailbox(mailbox);
        MailMessage message = target.message(requireRef(target, messageId).key());
        if (message == null || message.deleted()) {
            throw new IllegalArgumentException("no message " + messageId + " in " + mailbox);
        }
        return message.isRead();
    }

    /** What a mailbox's Inbox holds, newest first: each message as its recipients see it. */
    public List<ReceivedMail> inbox(String mailbox) {
        MailFolder found = requireMailbox(mailbox).folder("inbox");
        List<ReceivedMail> received = new ArrayList<>();
        for (MailMessage message : found.byReceived.descendingMap().values()) {
            received.add(new ReceivedMail(message.subject(), message.from() == null ? null : message.from().address(),
                    message.sender() == null ? null : message.sender().address(), addresses(message.to()),
                    addresses(message.cc()), message.internetMessageId(), Instant.ofEpochMilli(message.receivedMillis())));
        }
        return received;
    }

    private static List<String> addresses(List<EmailAddress> list) {
        return list.stream().map(EmailAddress::address).toList();
    }

    public void markRead(String mailbox, String messageId, boolean isRead) {
        Mailbox target = requireMailbox(mailbox);
        MessageIds.ItemRef ref = requireRef(target, messageId);
        long now = clock.millis();
        MailMessage changed = target.update(ref.key(),
                (current, seq) -> current.isRead() == isRead ? current : current.withRead(isRead, seq, now));
        if (changed == null) {
            throw new IllegalArgumentException("no message " + messageId + " in " + mailbox);
        }
        fire(target, changed, "updated");
    }

    public void deleteMessage(String mailbox, String messageId) {
        Mailbox target = requireMailbox(mailbox);
        MessageIds.ItemRef ref = requireRef(target, messageId);
        MailMessage removed = target.delete(ref.key(), clock.millis());
        if (removed == null) {
            throw new IllegalArgumentException("no message " + messageId + " in " + mailbox);
        }
        fire(target, removed, "deleted");
    }

    /**
     * Creates a mail folder, as a person does in Outlook (or {@code POST .../childFolders}): under {@code parent} (a
     * well-known name or a folder id; null: at the top, beside Inbox). @return the new folder's id
     */
    public String createFolder(String mailbox, String parent, String displayName) {
        Mailbox target = requireMailbox(mailbox);
        MailFolder under = null;
        if (parent != null) {
            under = target.folder(parent);
            if (under == null) {
                throw new IllegalArgumentException("no folder " + parent + " in " + mailbox);
            }
        }
        return target.createFolder(under, displayName).id;
    }

    /** Moves a message to another folder (a well-known name such as {@code deleteditems}, or a folder id), as Outlook does. */
    public void moveMessage(String mailbox, String messageId, String folder) {
        Mailbox target = requireMailbox(mailbox);
        MessageIds.ItemRef ref = requireRef(target, messageId);
        MailFolder destination = target.folder(folder);
        if (destination == null) {
            throw new IllegalArgumentException("no folder " + folder + " in " + mailbox);
        }
        MailMessage before = target.message(ref.key());
        MailMessage moved = target.move(ref.key(), destination, clock.millis());
        if (moved == null) {
            throw new IllegalArgumentException("no message " + messageId + " in " + mailbox);
        }
        if (moved == before) {
            return; // already in that folder: nothing changed
        }
        // A subscription on one folder's messages sees the message leave the source folder (as a deletion does) or
        // arrive in the target folder (as a creation does); one on the mailbox's messages (/users/{id}/messages, every
        // folder) gets both. Microsoft documents no move change type for messages, and that resourceData.id may no
        // longer be valid once a message moved (https://learn.microsoft.com/graph/api/resources/resourcedata).
        fire(target, before, "deleted");
        fire(target, moved, "created");
    }

    private static MessageIds.ItemRef requireRef(Mailbox mailbox, String messageId) {
        MessageIds.ItemRef ref = MessageIds.parseMessage(messageId);
        if (ref == null || ref.mailbox() != mailbox.number) {
            throw new IllegalArgumentException("no message " + messageId + " in " + mailbox.address);
        }
        return ref;
    }

    public void expireDeltaTokens(String mailbox) {
        requireMailbox(mailbox).syncGeneration++;
    }

    /** The mailbox's current delta and skip tokens become unreadable to Exchange: 400 ErrorInvalidSyncStateData. */
    public void corruptDeltaTokens(String mailbox) {
        Mailbox target = requireMailbox(mailbox);
        target.corruptGeneration = target.syncGeneration;
        target.syncGeneration++;
    }

    /** Fast bulk load for performance tests: no notifications. */
    public void seedMessages(String mailbox, String folder, int count) {
        seedMessages(mailbox, folder, count, 0, 0);
    }

    /**
     * As {@link #seedMessages(String, String, int)}, with every {@code largeEvery}-th message (0: none) carrying an HTML
     * body of about {@code largeChars} characters, as real mail with newsletters, signatures and quoted threads does.
     */
    public void seedMessages(String mailbox, String folder, int count, int largeEvery, int largeChars) {
        Mailbox target = requireMailbox(mailbox);
        MailFolder into = target.folder(folder);
        if (into == null) {
            throw new IllegalArgumentException("no folder " + folder);
        }
        long now = clock.millis();
        long first = now - count * 1000L;
        List<EmailAddress> to = List.of(target.emailAddress());
        EmailAddress[] senders = new EmailAddress[16];
        for (int i = 0; i < senders.length; i++) {
            String address = "sender" + i + "@example.com";
            senders[i] = new EmailAddress("Sender " + i, address);
        }
        String body = "This is a seeded message body used for load and performance tests of the shared mailbox sync.";
        StringBuilder html = new StringBuilder("<html><body>");
        while (html.length() < largeChars) {
            html.append("<p style=\"font-family:Calibri\">A paragraph of a long newsletter, a signature or a quoted thread, ")
                    .append(html.length()).append(".</p>");
        }
        String large = html.append("</body></html>").toString();
        int[] index = {0};
        target.addAll(count, (key, seq) -> {
            EmailAddress from = senders[(int) (key & 15)];
            int at = index[0]++;
            long received = first + at * 1000L;
            boolean isLarge = largeEvery > 0 && at % largeEvery == 0;
            return new MailMessage(key, into.number, seq, seq, false, "Seeded message " + key, isLarge ? "html" : "text",
                    isLarge ? large : body, from, from,
                    to, List.of(), received, received, received, (key & 3) == 0, false, "AAQkAD" + Long.toHexString(key),
                    "<seed-" + key + "-" + target.number + "@example.com>", null, null);
        });
    }

    public int messageCount(String mailbox, String folder) {
        MailFolder found = requireMailbox(mailbox).folder(folder);
        if (found == null) {
            throw new IllegalArgumentException("no folder " + folder);
        }
        return found.total.get();
    }

    /** Subjects in a folder, newest first: a convenient view for tests. */
    public List<String> subjects(String mailbox, String folder) {
        MailFolder found = requireMailbox(mailbox).folder(folder);
        if (found == null) {
            throw new IllegalArgumentException("no folder " + folder);
        }
        List<String> subjects = new ArrayList<>();
        for (MailMessage message : found.byReceived.descendingMap().values()) {
            subjects.add(message.subject());
        }
        return subjects;
    }

    /** Drafts, upload sessions, the files of sent mail and the limits on them (message size, IncomingBytes). */
    public OutgoingAttachments outgoingAttachments() {
        return outgoingAttachments;
    }

    public List<SentMail> sentMail() {
        return List.copyOf(sent);
    }

    void recordSent(SentMail mail) {
        sent.add(mail);
    }

    /** Every call the app made on /subscriptions (create, renew, reauthorize, delete), in order, refusals included. */
    public List<SubscriptionCall> subscriptionCalls() {
        return List.copyOf(subscriptionCalls);
    }

    void recordSubscriptionCall(SubscriptionCall call) {
        subscriptionCalls.add(call);
    }

    /** The Graph requests that reached this mailbox (throttled and faulted ones never do), in order of arrival. */
    public List<MailboxRequest> mailboxRequests(String mailbox) {
        List<MailboxRequest> requests = mailboxRequests.get(requireMailbox(mailbox).oid);
        if (requests == null) {
            return List.of();
        }
        synchronized (requests) {
            return requests.stream().sorted(java.util.Comparator.comparingLong(MailboxRequest::arrivedNanos)).toList();
        }
    }

    void recordMailboxRequest(Mailbox mailbox, MailboxRequest request) {
        List<MailboxRequest> requests = mailboxRequests.computeIfAbsent(mailbox.oid, oid -> new ArrayList<>());
        synchronized (requests) {
            requests.add(request);
        }
    }

    void fire(Mailbox mailbox, MailMessage message, String changeType) {
        MailboxEvents listener = events;
        if (listener != null) {
            listener.messageChanged(mailbox, message, changeType);
        }
    }

    static String newConversationId() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "AAQkAD" + EmulatorKeys.base64Url(bytes);
    }

    static String newInternetMessageId(String fromAddress) {
        int at = fromAddress == null ? -1 : fromAddress.indexOf('@');
        String domain = at < 0 ? "emulator.invalid" : fromAddress.substring(at + 1);
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "<" + HexFormat.of().formatHex(bytes).toUpperCase(Locale.ROOT) + "@" + domain + ">";
    }

    // ---- faults

    public void throttleNext(String mailbox, int requests, Duration retryAfter) {
        faults.put(requireMailbox(mailbox).oid, new Fault(requests, 429, retryAfter));
    }

    public void failNext(String mailbox, int requests, int status) {
        if (status < 500 || status > 599) {
            throw new IllegalArgumentException("status must be 5xx: " + status);
        }
        faults.put(requireMailbox(mailbox).oid, new Fault(requests, status, null));
    }

    /** Graph answers the mailbox's requests normally again (pending throttling or failures are dropped). */
    public void clearFaults(String mailbox) {
        faults.remove(requireMailbox(mailbox).oid);
    }

    public void addLatency(Duration latency) {
        latencyMillis.set(latency == null ? 0 : latency.toMillis());
    }

    long latencyMillis() {
        return latencyMillis.get();
    }

    /**
     * A test's control of time, like {@link #addLatency}: from now on the mailbox's {@code sendMail} requests wait before
     * Exchange takes them (a slow network or a slow Exchange) until they are let through ({@link #releaseSends}), so a
     * test can act while a send is in flight. Microsoft answers such a request late, never differently; a request held
     * longer than the caller's timeout is the caller's timeout.
     */
    public void holdSends(String mailbox) {
        sendHolds.put(requireMailbox(mailbox).oid, new SendHold());
    }

    /** Lets {@code requests} of the mailbox's held (or next) {@code sendMail} requests through; the hold stays. */
    public void releaseSends(String mailbox, int requests) {
        SendHold hold = sendHolds.get(requireMailbox(mailbox).oid);
        if (hold != null) {
            hold.passes.release(requests);
        }
    }

    /** Ends the hold: every held {@code sendMail} request of the mailbox goes on, and later ones are not held. */
    public void releaseSends(String mailbox) {
        SendHold hold = sendHolds.remove(requireMailbox(mailbox).oid);
        if (hold != null) {
            hold.passes.release(Integer.MAX_VALUE / 2);
        }
    }

    /** How many of the mailbox's {@code sendMail} requests are waiting at the hold now. */
    public int sendsHeld(String mailbox) {
        SendHold hold = sendHolds.get(requireMailbox(mailbox).oid);
        return hold == null ? 0 : hold.waiting.get();
    }

    /** Waits while the mailbox's sends are held (at most five minutes, so that a forgotten hold cannot hang the emulator). */
    void awaitSendRelease(Mailbox mailbox) {
        SendHold hold = sendHolds.get(mailbox.oid);
        if (hold == null) {
            return;
        }
        hold.waiting.incrementAndGet();
        try {
            hold.passes.tryAcquire(5, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            hold.waiting.decrementAndGet();
        }
    }

    private static final class SendHold {
        final java.util.concurrent.Semaphore passes = new java.util.concurrent.Semaphore(0);
        final AtomicInteger waiting = new AtomicInteger();
    }

    /** Takes one pending fault for the mailbox, if any. */
    GraphException takeFault(Mailbox mailbox) {
        Fault[] taken = new Fault[1];
        faults.computeIfPresent(mailbox.oid, (key, fault) -> {
            taken[0] = fault;
            return fault.remaining() <= 1 ? null : new Fault(fault.remaining() - 1, fault.status(), fault.retryAfter());
        });
        Fault fault = taken[0];
        if (fault == null) {
            return null;
        }
        if (fault.status() == 429) {
            return GraphThrottle.throttled(fault.retryAfter());
        }
        if (fault.status() == 500) {
            return new GraphException(500, "generalException", "An unspecified error has occurred.");
        }
        return new GraphException(fault.status(), "serviceNotAvailable",
                "The service is not available. Try the request again after a delay.");
    }

    public void dropNotifications(boolean drop) {
        MailboxEvents listener = events;
        if (listener != null) {
            listener.dropNotifications(drop);
        }
    }

    /**
     * How long Graph takes from a change to POSTing its notification, from now on. Microsoft documents for Outlook
     * messages an average under one minute and at most three minutes; the default is small so tests run fast.
     */
    public void setNotificationLatency(Duration latency) {
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("the notification latency must be zero or positive");
        }
        MailboxEvents listener = events;
        if (listener != null) {
            listener.notificationLatency(latency);
        }
    }

    public Duration notificationLatency() {
        MailboxEvents listener = events;
        return listener == null ? Duration.ZERO : listener.notificationLatency();
    }

    /** The notifications Graph delivered (answered 2xx), oldest first: change and lifecycle notifications. */
    public List<NotificationDelivery> notificationDeliveries() {
        MailboxEvents listener = events;
        return listener == null ? List.of() : listener.deliveries();
    }

    public void fireLifecycleEvent(String subscriptionId, String lifecycleEvent) {
        Set<String> known = Set.of("reauthorizationRequired", "subscriptionRemoved", "missed");
        if (!known.contains(lifecycleEvent)) {
            throw new IllegalArgumentException("lifecycleEvent must be one of " + new LinkedHashSet<>(known));
        }
        MailboxEvents listener = events;
        if (listener != null) {
            listener.fireLifecycleEvent(subscriptionId, lifecycleEvent);
        }
    }

    /** Graph drops a subscription without a lifecycle event (as when it expired unnoticed): later calls on it get 404. */
    public boolean forgetSubscription(String subscriptionId) {
        MailboxEvents listener = events;
        return listener != null && listener.forget(subscriptionId);
    }

    /** The next {@code requests} subscription creations fail with {@code status} (a 5xx), before any validation. */
    public void failNextSubscriptionCreate(int requests, int status) {
        if (status < 500 || status > 599) {
            throw new IllegalArgumentException("status must be 5xx: " + status);
        }
        subscriptionCreateFaults.set(requests);
        subscriptionCreateFaultStatus = status;
    }

    GraphException takeSubscriptionCreateFault() {
        if (subscriptionCreateFaults.getAndUpdate(n -> Math.max(0, n - 1)) <= 0) {
            return null;
        }
        return new GraphException(subscriptionCreateFaultStatus, subscriptionCreateFaultStatus == 500 ? "generalException" : "serviceNotAvailable",
                subscriptionCreateFaultStatus == 500 ? "An unspecified error has occurred." : "The service is not available. Try the request again after a delay.");
    }

    public List<SubscriptionView> subscriptions() {
        MailboxEvents listener = events;
        return listener == null ? List.of() : listener.subscriptions();
    }

    public NotificationStats notificationStats() {
        MailboxEvents listener = events;
        return listener == null ? new NotificationStats(0, 0, 0, 0, 0, 0) : listener.stats();
    }

    /** Notification POSTs that failed at the URLs starting with {@code urlPrefix} (one server's endpoints). */
    public long failedNotificationAttemptsAt(String urlPrefix) {
        MailboxEvents listener = events;
        return listener == null ? 0 : listener.failedAttemptsAt(urlPrefix);
    }

    Instant now() {
        return clock.instant();
    }

    long nowMillis() {
        return clock.millis();
    }
}
