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
 * The writes are plain SQL that leave the row's optimistic-lock version alone, so the work that asked for the token can
 * still commit its own changes to the same connection; that work must not have written the row before calling Graph.
 */
@ApplicationScoped
public class StoredTokens {

    @PersistenceContext
    EntityManager em;

    @Inject
    TokenVault vault;

    @Inject
    Clock clock;

    @Inject
    ConnectionErrors errors;

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
        em.createNativeQuery("UPDATE outlook_connection SET token_cache = ?1, token_key_id = ?2 WHERE id = ?3")
                .setParameter(1, sealed.ciphertext())
                .setParameter(2, sealed.keyId())
                .setParameter(3, connectionId)
                .executeUpdate();
    }

    /** Seals a fresh cache into a connection that is being created or reconnected, inside that transaction. */
    public void sealInto(OutlookConnection connection, String serializedCache) {
        TokenVault.Sealed sealed = vault.seal(serializedCache, connection.id().toString());
        connection.storeTokens(sealed.ciphertext(), sealed.keyId(), clock.instant());
    }

    /** In a transaction of its own: the refresh that found the sign-in unusable belongs to work that may roll back. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void markReconnectRequired(UUID connectionId, String message) {
        errors.reconnectRequired(connectionId, message, clock.instant());
    }
}
