package com.workestra.sharedmailboxes.sync.boundary;

import com.workestra.sharedmailboxes.connections.boundary.ConnectionChanged;
import com.workestra.sharedmailboxes.messages.boundary.MailSent;
import com.workestra.sharedmailboxes.sync.control.SyncRequests;
import com.workestra.sharedmailboxes.sync.entity.SyncReason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** The runs that what happened to a connection calls for, requested in the transaction that did it. */
@ApplicationScoped
public class SyncOnConnectionChange {

    @Inject
    SyncRequests requests;

    void changed(@Observes ConnectionChanged changed) {
        switch (changed.change()) {
            case CONNECTED, SHARED_MAILBOX_ADDED -> requests.begin(changed.connectionId());
            case RECONNECTED -> requests.request(changed.connectionId(), SyncReason.RECOVERY);
            case REACHES_NEW_MAILBOX -> requests.restart(changed.connectionId(), SyncReason.INITIAL);
            case MAILBOX_RENAMED -> requests.restart(changed.connectionId(), SyncReason.RECOVERY);
        }
    }

    /** What was just sent shows in Sent Items, and a reply changes its conversation: read them now. */
    void sent(@Observes MailSent sent) {
        requests.request(sent.connectionId(), SyncReason.SENT);
    }
}
