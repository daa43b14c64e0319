package com.workestra.sharedmailboxes.database.control;

import org.eclipse.persistence.config.SessionCustomizer;
import org.eclipse.persistence.sessions.DatabaseLogin;
import org.eclipse.persistence.sessions.Session;

/**
 * EclipseLink's own reconnect-and-retry is turned off (persistence.xml names this class as
 * {@code eclipselink.session.customizer}). By default EclipseLink retries a read outside a transaction that failed for a
 * communication reason 3 times, 5 s apart: with PostgreSQL away, every such read (the readiness check's badge counts
 * among them) then hangs about 15 s before it fails, holding a request thread, and {@code /health/ready} took 15 to 30 s
 * to say DOWN. Stale connections are the pool's job here: both servers' pools validate a connection before handing it
 * out and throw every pooled connection away when one is found dead (Payara: {@code --isconnectvalidatereq},
 * {@code --failconnection}; WildFly: {@code validate-on-match} and the PostgreSQL exception sorter), so a query fails
 * at once while the database is away and works again as soon as it is back.
 */
public class FailFastWhenDatabaseIsAway implements SessionCustomizer {

    @Override
    public void customize(Session session) {
        if (session.getDatasourceLogin() instanceof DatabaseLogin login) {
            login.setQueryRetryAttemptCount(0);
            login.setDelayBetweenConnectionAttempts(0);
        }
    }
}
