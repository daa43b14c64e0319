package com.workestra.sharedmailboxes.notifications.boundary;

import com.microsoft.graph.models.odataerrors.MainError;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.connections.entity.MicrosoftAccount;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxKind;
import com.workestra.sharedmailboxes.notifications.control.AppOnlyIdentity;
import com.workestra.sharedmailboxes.notifications.control.PushRecordsFixture;
import com.workestra.sharedmailboxes.notifications.control.SubscriptionsAtMicrosoft;
import com.workestra.sharedmailboxes.notifications.entity.GraphSubscription;
import com.workestra.sharedmailboxes.notifications.entity.PushState;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Push falls back to polling, and says why, whenever Microsoft will not deliver change notifications: no app-only
 * identity for a shared mailbox, a subscription Microsoft refuses to create, or one it keeps refusing to renew; a
 * subscription Microsoft forgot is created again and what may have been missed is synced. No server: Microsoft's
 * answers and the rows are stand-ins, the decisions are PushDelivery's and PushRecords' own.
 */
class PushFallbackTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final int MAX_FAILURES = 3;

    final PushDelivery push = new PushDelivery();
    /** What Microsoft answers next to create and renew: a subscription id and expiry, or a Graph error. */
    final Deque<Object> microsoftAnswers = new ArrayDeque<>();
    final List<String> callsAtMicrosoft = new ArrayList<>();
    final List<SyncReason> syncsRequested = new ArrayList<>();
    final Map<UUID, OutlookConnection> connections = new HashMap<>();
    final Map<String, GraphSubscription> subscriptions = new HashMap<>();
    final Map<UUID, PushState> pushStates = new HashMap<>();
    /** What sync was told of each connection: pushed (true) or polled. */
    final Map<UUID, Boolean> deliveredBy = new HashMap<>();
    boolean appOnlyConfigured;
    /** The database refuses writes (flush throws). */
    boolean failWrites;
    /** Connections whose push set-up is claimed (by this server or another) and not ended. */
    final Set<UUID> settingUp = new java.util.HashSet<>();

    @BeforeEach
    void setUp() {
        push.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        push.lifetime = Duration.ofMinutes(4200);
        push.appOnly = new AppOnlyIdentity() {
            @Override
            public boolean isConfigured() {
                return appOnlyConfigured;
            }

            @Override
            public GraphServiceClient graph() {
                return null; // as above: Microsoft's answers are stand-ins
            }
        };
        SyncRequests syncRequests = new SyncRequests() {
            @Override
            public boolean request(UUID connectionId, SyncReason reason) {
                syncsRequested.add(reason);
                return true;
            }

            @Override
            public void deliveredBy(UUID connectionId, boolean pushed) {
                deliveredBy.put(connectionId, pushed);
            }
        };
        push.records = PushRecordsFixture.of(rows(), push.appOnly, syncRequests, MAX_FAILURES, Duration.ofSeconds(60),
                Duration.ofMinutes(2));
        push.signIn = new OutlookSignIn() {
            @Override
            public GraphServiceClient graphFor(TokenHolder personal) {
                return null; // Microsoft's answers are the stand-in below; no request leaves the test
            }
        };
        push.microsoft = new SubscriptionsAtMicrosoft() {
            @Override
            public Created create(GraphServiceClient client, String resource, String clientState, Instant expiresAt) {
                callsAtMicrosoft.add("create " + resource);
                return (Created) answer();
            }

            @Override
            public Instant renew(GraphServiceClient client, String subscriptionId, Instant expiresAt) {
                callsAtMicrosoft.add("renew " + subscriptionId);
                return (Instant) answer();
            }

            @Override
            public void delete(GraphServiceClient client, String subscriptionId) {
                callsAtMicrosoft.add("delete " + subscriptionId);
            }
        };
    }

    Object answer() {
        Object next = microsoftAnswers.removeFirst();
        if (next instanceof RuntimeException refusal) {
            throw refusal;
        }
        return next;
    }

    static ODataError graphAnswered(int status, String code) {
        ODataError error = new ODataError() {
            {
                setResponseStatusCode(status);
            }
        };
        MainError main = new MainError();
        main.setCode(code);
        error.setError(main);
        return error;
    }

    OutlookConnection personal() {
        Mailbox mailbox = new Mailbox("w1", MailboxIdentity.ofUser("oid-ann"), "ann@contoso.test", "Ann", MailboxKind.PERSONAL, NOW);
        OutlookConnection connection = OutlookConnection.personal("w1", "u-ann", "ann@workestra.test", mailbox,
                new MicrosoftAccount("oid-ann", "tid", "ann@contoso.test", "Ann", Set.of("Mail.Read")), NOW);
        connections.put(connection.id(), connection);
        return connection;
    }

    OutlookConnection shared(OutlookConnection parent) {
        Mailbox mailbox = new Mailbox("w1", MailboxIdentity.ofInbox("inbox-support"), "support@contoso.test", "Support",
                MailboxKind.SHARED, NOW);
        OutlookConnection connection = OutlookConnection.shared(parent, mailbox, NOW);
        connections.put(connection.id(), connection);
        return connection;
    }

    GraphSubscription subscribed(OutlookConnection connection) {
        microsoftAnswers.add(new SubscriptionsAtMicrosoft.Created("sub-1", NOW.plus(Duration.ofMinutes(4200))));
        push.setUp(connection.id());
        assertTrue(pushed(connection));
        callsAtMicrosoft.clear();
        return subscriptions.get("sub-1");
    }

    @Test
    void aSharedMailboxIsPolledAndSaysWhyWhenNoAppOnlyIdentityIsConfigured() {
        OutlookConnection support = shared(personal());

        push.setUp(support.id());

        assertFalse(pushed(support));
        assertEquals("Polled every 60 s: Microsoft sends change notifications for shared mailboxes only to an app-only"
                + " identity, and none is configured.", note(support));
        assertEquals(List.of(), callsAtMicrosoft, "no delegated subscription is even tried for a shared mailbox");
    }

    @Test
    void aSubscriptionMicrosoftRefusesLeavesTheMailboxPolledAndPushIsTriedAgainLater() {
        OutlookConnection ann = personal();
        microsoftAnswers.add(graphAnswered(403, "ExtensionError"));

        push.setUp(ann.id());

        assertFalse(pushed(ann));
        assertEquals("Polled every 60 s: change notifications could not be set up (Graph answered 403 ExtensionError);"
                + " retrying later.", note(ann));
        assertEquals(1, failures(ann));
        assertTrue(subscriptions.isEmpty());

        microsoftAnswers.add(new SubscriptionsAtMicrosoft.Created("sub-2", NOW.plus(Duration.ofMinutes(4200))));
        push.setUp(ann.id());

        assertTrue(pushed(ann));
        assertNull(note(ann));
        assertEquals(0, failures(ann));
        assertEquals(Set.of("sub-2"), subscriptions.keySet());
        assertEquals(List.of("create me/messages", "create me/messages"),
                callsAtMicrosoft);
    }

    @Test
    void aSubscriptionThatKeepsFailingToRenewFallsBackToPollingAndSyncsAtOnce() {
        OutlookConnection ann = personal();
        subscribed(ann);

        for (int attempt = 1; attempt < MAX_FAILURES; attempt++) {
            microsoftAnswers.add(graphAnswered(503, "ServiceUnavailable"));
            push.renew("sub-1");
            assertTrue(pushed(ann), "still pushed after " + attempt + " failed renewal(s)");
        }
        assertEquals(List.of(), syncsRequested);

        microsoftAnswers.add(graphAnswered(503, "ServiceUnavailable"));
        push.renew("sub-1");

        assertFalse(pushed(ann));
        assertEquals("Polled every 60 s: the change-notification subscription could not be renewed (Graph answered 503"
                + " ServiceUnavailable).", note(ann));
        assertTrue(subscriptions.isEmpty(), "the subscription that could not be renewed is forgotten");
        assertEquals(List.of(SyncReason.RECOVERY), syncsRequested);
    }

    @Test
    void aSubscriptionMicrosoftNoLongerKnowsIsCreatedAgainAndWhatWasMissedIsSynced() {
        OutlookConnection ann = personal();
        subscribed(ann);
        microsoftAnswers.add(graphAnswered(404, "ResourceNotFound"));
        microsoftAnswers.add(new SubscriptionsAtMicrosoft.Created("sub-3", NOW.plus(Duration.ofMinutes(4200))));

        push.renew("sub-1");

        assertEquals(List.of("renew sub-1", "create me/messages"), callsAtMicrosoft);
        assertEquals(Set.of("sub-3"), subscriptions.keySet());
        assertTrue(pushed(ann));
        assertEquals(List.of(SyncReason.RECOVERY), syncsRequested);
    }

    @Test
    void aPushSetUpUnderWayOnAnotherServerIsNotStartedAgainAndEndsWithItsOutcome() {
        OutlookConnection ann = personal();
        settingUp.add(ann.id()); // another server claimed it and is asking Microsoft right now

        push.setUp(ann.id());

        assertEquals(List.of(), callsAtMicrosoft, "no second subscription is asked for");
        settingUp.remove(ann.id());
        microsoftAnswers.add(new SubscriptionsAtMicrosoft.Created("sub-4", NOW.plus(Duration.ofMinutes(4200))));
        push.setUp(ann.id());
        assertTrue(pushed(ann));
        assertTrue(settingUp.isEmpty(), "the claim ends with the outcome");
        push.setUp(ann.id());
        assertEquals(List.of("create me/messages"), callsAtMicrosoft, "pushed: nothing more to set up");
    }

    /** Issue 19: Microsoft refuses the app-only identity on a mailbox outside its Exchange management scope. */
    @Test
    void aSharedMailboxOutsideTheAppsScopeIsPolledWithTheReasonAndTriedAgainAtEveryRoundUntilTheScopeWidens() {
        appOnlyConfigured = true;
        OutlookConnection support = shared(personal());
        microsoftAnswers.add(graphAnswered(403, "ExtensionError"));

        push.setUp(support.id());

        assertFalse(pushed(support));
        assertEquals("Polled every 60 s: this mailbox is outside the app-only identity's Exchange management scope (Graph"
                + " answered 403 ExtensionError); push starts by itself once an Exchange admin adds it to the scope (see the"
                + " admin health page).", note(support));
        assertEquals(0, failures(support), "not a failure that runs out");
        assertTrue(pushStates.get(support.id()).isOutsideScope());

        microsoftAnswers.add(new SubscriptionsAtMicrosoft.Created("sub-5", NOW.plus(Duration.ofMinutes(4200))));
        push.setUp(support.id());
        assertTrue(pushed(support));
        assertNull(note(support));
        assertFalse(pushStates.get(support.id()).isOutsideScope());
    }

    @Test
    void aSharedMailboxThatLeavesTheAppsScopeIsPolledAtItsNextRenewalAndSyncedAtOnce() {
        appOnlyConfigured = true;
        OutlookConnection support = shared(personal());
        subscribed(support);
        microsoftAnswers.add(graphAnswered(403, "ExtensionError"));

        push.renew("sub-1");

        assertFalse(pushed(support));
        assertTrue(note(support).contains("outside the app-only identity's Exchange management scope"), note(support));
        assertTrue(pushStates.get(support.id()).isOutsideScope());
        assertTrue(subscriptions.isEmpty());
        assertEquals(List.of(SyncReason.RECOVERY), syncsRequested);
    }

    /**
     * Issue 16: a subscription on the Inbox's messages alone (as made before) is replaced at its next renewal round by
     * one on the mailbox's messages in every folder, with the same identity; the new one exists at Microsoft before the
     * old one is deleted there, so push has no gap, and nothing needs syncing.
     */
    @Test
    void aSubscriptionOnTheInboxAloneIsReplacedByOneOnEveryFolderBeforeTheOldOneIsDeleted() {
        appOnlyConfigured = true;
        OutlookConnection ann = personal();
        OutlookConnection support = shared(ann);
        madeBeforeIssue16(ann, "sub-ann", "me/mailFolders('inbox')/messages");
        madeBeforeIssue16(support, "sub-support", "users/support@contoso.test/mailFolders('inbox')/messages");
        microsoftAnswers.add(new SubscriptionsAtMicrosoft.Created("sub-ann-2", NOW.plus(Duration.ofMinutes(4200))));
        microsoftAnswers.add(new SubscriptionsAtMicrosoft.Created("sub-support-2", NOW.plus(Duration.ofMinutes(4200))));

        push.renew("sub-ann");
        push.renew("sub-support");

        assertEquals(List.of("create me/messages", "delete sub-ann",
                "create users/support@contoso.test/messages", "delete sub-support"), callsAtMicrosoft);
        assertEquals(Set.of("sub-ann-2", "sub-support-2"), subscriptions.keySet());
        assertEquals(com.workestra.sharedmailboxes.notifications.entity.SubscriptionIdentity.APP_ONLY,
                subscriptions.get("sub-support-2").identity());
        assertFalse(subscriptions.get("sub-ann-2").coversOneFolder());
        assertTrue(settingUp.isEmpty(), "the set-up claims end");
        assertTrue(pushed(ann) && pushed(support));
        assertEquals(List.of(), syncsRequested);

        push.renew("sub-ann-2");
        assertEquals("renew sub-ann-2", callsAtMicrosoft.get(callsAtMicrosoft.size() - 1), "an every-folder one is renewed");
    }

    @Test
    void anInboxSubscriptionWhoseReplacementMicrosoftRefusesIsRenewedAsItIsAndReplacedLater() {
        OutlookConnection ann = personal();
        madeBeforeIssue16(ann, "sub-ann", "me/mailFolders('inbox')/messages");
        microsoftAnswers.add(graphAnswered(503, "ServiceUnavailable"));
        microsoftAnswers.add(NOW.plus(Duration.ofMinutes(4200)));

        push.renew("sub-ann");

        assertEquals(List.of("create me/messages", "renew sub-ann"), callsAtMicrosoft);
        assertEquals(Set.of("sub-ann"), subscriptions.keySet());
        assertTrue(settingUp.isEmpty());
        assertTrue(pushed(ann));

        microsoftAnswers.add(new SubscriptionsAtMicrosoft.Created("sub-ann-2", NOW.plus(Duration.ofMinutes(4200))));
        push.renew("sub-ann");
        assertEquals(Set.of("sub-ann-2"), subscriptions.keySet());
    }

    @Test
    void aReplacementThatCannotBeWrittenIsDeletedAtMicrosoftAndTheOldOneRenewed() {
        OutlookConnection ann = personal();
        madeBeforeIssue16(ann, "sub-ann", "me/mailFolders('inbox')/messages");
        microsoftAnswers.add(new SubscriptionsAtMicrosoft.Created("sub-ann-2", NOW.plus(Duration.ofMinutes(4200))));
        microsoftAnswers.add(NOW.plus(Duration.ofMinutes(4200)));
        failWrites = true;

        push.renew("sub-ann");

        assertEquals(List.of("create me/messages", "delete sub-ann-2", "renew sub-ann"), callsAtMicrosoft,
                "no subscription is left at Microsoft that the service does not know");
        assertTrue(settingUp.isEmpty());
    }

    /** A subscription an earlier version made (on one folder), and the connection pushed by it. */
    void madeBeforeIssue16(OutlookConnection connection, String id, String resource) {
        subscriptions.put(id, new GraphSubscription(id, connection.id(), resource,
                connection.isPersonal() ? com.workestra.sharedmailboxes.notifications.entity.SubscriptionIdentity.DELEGATED
                        : com.workestra.sharedmailboxes.notifications.entity.SubscriptionIdentity.APP_ONLY,
                "state-" + id, NOW.plus(Duration.ofMinutes(600)), NOW.minus(Duration.ofDays(1))));
        assertTrue(subscriptions.get(id).coversOneFolder());
        deliveredBy.put(connection.id(), true);
    }

    boolean pushed(OutlookConnection connection) {
        return deliveredBy.getOrDefault(connection.id(), false);
    }

    String note(OutlookConnection connection) {
        PushState state = pushStates.get(connection.id());
        return state == null ? null : state.note();
    }

    int failures(OutlookConnection connection) {
        PushState state = pushStates.get(connection.id());
        return state == null ? 0 : state.failures();
    }

    /** The rows push delivery reads and writes: connections, push states and subscriptions by id, subscriptions by connection. */
    EntityManager rows() {
        return (EntityManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{EntityManager.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "find" -> args[0] == OutlookConnection.class ? connections.get(args[1])
                            : args[0] == PushState.class ? pushStates.get(args[1]) : subscriptions.get(args[1]);
                    case "persist" -> {
                        if (args[0] instanceof PushState state) {
                            pushStates.put(state.connectionId(), state);
                        } else {
                            GraphSubscription subscription = (GraphSubscription) args[0];
                            subscriptions.put(subscription.id(), subscription);
                        }
                        yield null;
                    }
                    case "remove" -> {
                        subscriptions.remove(((GraphSubscription) args[0]).id());
                        yield null;
                    }
                    case "flush" -> {
                        if (failWrites) {
                            throw new jakarta.persistence.PersistenceException("the database refused the write");
                        }
                        yield null;
                    }
                    case "createNativeQuery" -> setUpClaims((String) args[0]);
                    case "createNamedQuery" -> {
                        if (!GraphSubscription.OF_CONNECTION.equals(args[0])) {
                            throw new UnsupportedOperationException(String.valueOf(args[0]));
                        }
                        yield subscriptionsOf();
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** push_delivery.setup_until as PushRecords claims and ends it: held until its outcome is written. */
    jakarta.persistence.Query setUpClaims(String sql) {
        Object[] connectionId = new Object[1];
        return (jakarta.persistence.Query) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{jakarta.persistence.Query.class},
                (query, method, args) -> switch (method.getName()) {
                    case "setParameter" -> {
                        if ((Integer) args[0] == 1) {
                            connectionId[0] = args[1];
                        }
                        yield query;
                    }
                    case "executeUpdate" -> sql.contains("INSERT")
                            ? (settingUp.add((UUID) connectionId[0]) ? 1 : 0)
                            : (settingUp.remove(connectionId[0]) ? 1 : 0);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @SuppressWarnings("unchecked")
    TypedQuery<GraphSubscription> subscriptionsOf() {
        Object[] connectionId = new Object[1];
        return (TypedQuery<GraphSubscription>) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{TypedQuery.class},
                (query, method, args) -> switch (method.getName()) {
                    case "setParameter" -> {
                        connectionId[0] = args[1];
                        yield query;
                    }
                    case "getResultList" -> subscriptions.values().stream()
                            .filter(subscription -> subscription.connectionId().equals(connectionId[0])).toList();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
