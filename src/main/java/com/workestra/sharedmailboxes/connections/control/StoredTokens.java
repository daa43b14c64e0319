package com.workestra.sharedmailboxes.connections.control;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Reads and writes a personal connection's encrypted token cache in transactions of their own: a refresh token that
 * Microsoft rotated is committed the moment MSAL has it, whatever happens to the work that asked for the token.
 */
@ApplicationScoped
public class StoredTokens {

    @PersistenceContext
    EntityManager em;

    @Inject
    TokenVault vault;

    @Inject
    Clock clock;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public String load(UUID connectionId) {
        List<Object[]> rows = em.createQuery(
                        "SELECT c.tokenCache, c.tokenKeyId FROM OutlookConnection c WHERE c.id = :id", Object[].class)
                .setParameter("id", connectionId)
                .getResultList();
        if (rows.isEmpty() || rows.get(0)[0] == null) {
            return null;
        }
        return vault.open((byte[]) rows.get(0)[0], (String) rows.get(0)[1], connectionId.toString());
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void save(UUID connectionId, String serializedCache) {
        TokenVault.Sealed sealed = vault.seal(serializedCache, connectionId.toString());
        em.createQuery("UPDATE OutlookConnection c SET c.tokenCache = :cache, c.tokenKeyId = :keyId, c.updatedAt = :now WHERE c.id = :id")
                .setParameter("cache", sealed.ciphertext())
                .setParameter("keyId", sealed.keyId())
                .setParameter("now", clock.instant())
                .setParameter("id", connectionId)
                .executeUpdate();
    }

    /** Seals a fresh cache into a connection that is being created or reconnected, inside that transaction. */
    public void sealInto(OutlookConnection connection, String serializedCache) {
        TokenVault.Sealed sealed = vault.seal(serializedCache, connection.id().toString());
        connection.storeTokens(sealed.ciphertext(), sealed.keyId(), clock.instant());
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void markReconnectRequired(UUID connectionId, String message) {
        em.createQuery("UPDATE OutlookConnection c SET c.errorCode = :code, c.errorMessage = :message, c.errorAt = :now, c.updatedAt = :now"
                        + " WHERE c.id = :id")
                .setParameter("code", "RECONNECT_REQUIRED")
                .setParameter("message", message)
                .setParameter("now", clock.instant())
                .setParameter("id", connectionId)
                .executeUpdate();
    }
}
