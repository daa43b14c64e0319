package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.connections.control.ConnectionErrors;
import com.workestra.sharedmailboxes.graph.control.MailboxRefusals;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.UUID;

/**
 * Exchange refused a person on a mailbox while they changed or answered its mail: the row turns red with the
 * sentence and they read only what was received before, until a sync through it succeeds again. Recorded in its own
 * transaction, since the refused action's transaction rolls back.
 */
@ApplicationScoped
public class ExchangeRefusals {

    @Inject
    ConnectionErrors errors;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void refused(UUID connectionId) {
        errors.refused(connectionId, ProblemCode.MAILBOX_ACCESS_DENIED, MailboxRefusals.ACCESS_DENIED, clock.instant());
    }
}
