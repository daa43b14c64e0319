package com.workestra.sharedmailboxes.sync.control;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import com.workestra.sharedmailboxes.mailboxes.control.MailboxIdentities;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxIdentity;
import com.workestra.sharedmailboxes.sync.entity.SyncTarget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.logging.Logger;

/**
 * Before a shared mailbox is read from the start (a first round, or Graph lost the sync state), and once for a mailbox
 * from before identities: is the address still the mailbox this row was added for? Exchange's identity of it is read at
 * most once a run; a different one means the mailbox was deleted and a new one created at its address, whose mail must
 * not land in the old one's history. An unknown identity is recorded.
 */
@ApplicationScoped
public class MailboxConfirmation {

    private static final Logger LOG = Logger.getLogger(MailboxConfirmation.class.getName());

    @Inject
    MailboxIdentities identities;

    @Inject
    MailboxGate gate;

    @Inject
    SyncLedger ledger;

    /** One run's confirmation: asks Exchange at most once. */
    public Check forRun(SyncTarget target, GraphServiceClient client) {
        return new Check(target, client);
    }

    public final class Check {
        private final SyncTarget target;
        private final GraphServiceClient client;
        private boolean confirmed;

        private Check(SyncTarget target, GraphServiceClient client) {
            this.target = target;
            this.client = client;
        }

        /**
         * Asks Exchange again even when this run already did: before a folder's first round and after Graph refused a
         * stored link, the moments where reading another mailbox at the address would write it into this one's
         * history. A run is long (the folder tree, every folder), and the address may be given to a new mailbox while
         * it runs.
         *
         * @throws Replaced when the address now holds another mailbox than the one the row was added for
         */
        public void reconfirm() {
            confirmed = false;
            confirm();
        }

        /** @throws Replaced when the address now holds another mailbox than the one the row was added for */
        public void confirm() {
            if (target.personal() || confirmed) {
                return;
            }
            MailboxIdentity current = gate.call(target.mailboxId(), () -> identities.ofShared(client, target.graphUser()));
            confirmed = true;
            if (target.identity() == null) {
                if (!ledger.identified(target.mailboxId(), current)) {
                    LOG.info(() -> "mailbox " + target.mailboxId() + " stays unidentified: another mailbox of the workspace is " + current);
                }
            } else if (target.identity().isInbox() && !target.identity().equals(current)) {
                throw new Replaced();
            }
        }
    }

    /** The address of a shared row now holds another mailbox than the one it was added for. */
    static final class Replaced extends RuntimeException {
        Replaced() {
            super("the address holds another mailbox", null, false, false);
        }
    }
}
