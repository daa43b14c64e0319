package com.workestra.sharedmailboxes.sync.control;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.mailboxes.control.MailboxIdentities;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Keeps a shared mailbox's display name as Microsoft gives it: after a successful run, at most once per
 * {@code sync.display-name-interval} per mailbox (whichever server or person's sync comes first), asks
 * {@code GET /users/{address}?$select=displayName} and stores a changed name. Only with a token that may read the
 * directory (User.ReadBasic.All or User.Read.All): connections consented before the service asked for it would only get
 * Graph's 403. Any failure leaves the stored name as it is; the run's outcome never depends on it.
 */
@ApplicationScoped
public class MailboxNames {

    private static final Logger LOG = Logger.getLogger(MailboxNames.class.getName());
    private static final Set<String> DIRECTORY_SCOPES = Set.of("User.ReadBasic.All", "User.Read.All");

    @Inject
    SyncLedger ledger;

    @Inject
    MailboxIdentities identities;

    @Inject
    Clock clock;

    @Inject
    @ConfigProperty(name = "sync.display-name-interval")
    Duration interval;

    void refresh(SyncTarget target, GraphServiceClient client) {
        if (target.personal() || target.tokenHolder() == null
                || target.tokenHolder().scopes().stream().noneMatch(DIRECTORY_SCOPES::contains)) {
            return;
        }
        Instant now = clock.instant();
        if (!ledger.claimNameCheck(target.mailboxId(), now, now.minus(interval))) {
            return;
        }
        identities.displayNameOf(client, target.graphUser()).ifPresent(name -> {
            if (ledger.named(target.mailboxId(), name)) {
                LOG.info(() -> "mailbox " + target.mailboxId() + " (" + target.address() + ") is now called \"" + name + "\" at Microsoft");
            }
        });
    }
}
