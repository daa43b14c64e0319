package com.workestra.sharedmailboxes.notifications.boundary;

import com.workestra.sharedmailboxes.connections.boundary.ConnectionChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;

/** A connection made, reconnected or added gets push (or says why it is polled) once that is committed. */
@ApplicationScoped
public class PushOnConnectionChange {

    @Inject
    PushDelivery delivery;

    void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) ConnectionChanged changed) {
        if (changed.change().opensDelivery()) {
            delivery.setUp(changed.connectionId());
        }
    }
}
