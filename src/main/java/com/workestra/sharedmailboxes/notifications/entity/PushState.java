package com.workestra.sharedmailboxes.notifications.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * Why a connection is polled rather than pushed (the note a person reads beside its badge), and how many times in a
 * row setting up push failed. Whether it is pushed at all is sync's schedule ({@code sync_state.pushed}).
 */
@Entity
@Table(name = "push_delivery")
@NamedQuery(name = PushState.RETRIES, query = "SELECT p.connectionId FROM PushState p"
        + " WHERE (p.failures > 0 AND p.failures < :max) OR p.outsideScope = true")
public class PushState {

    public static final String RETRIES = "PushState.retries";

    @Id
    @Column(name = "connection_id")
    private UUID connectionId;

    private String note;

    private int failures;

    /** Microsoft refused the app-only identity on this mailbox (outside its Exchange management scope): retried every round. */
    @Column(name = "outside_scope", nullable = false)
    private boolean outsideScope;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected PushState() {
    }

    public PushState(UUID connectionId, Instant now) {
        this.connectionId = connectionId;
        this.updatedAt = now;
    }

    /** Push works: no note, no failures. */
    public void pushed(Instant now) {
        this.note = null;
        this.failures = 0;
        this.outsideScope = false;
        this.updatedAt = now;
    }

    /** Polled, with the reason a person reads next to the health badge. */
    public void polled(String note, Instant now) {
        this.note = note;
        this.updatedAt = now;
    }

    /**
     * Microsoft refused the app-only identity on this mailbox: polled, with the reason, and push tried again at every
     * renewal round (not a failure that runs out: the admin widening the scope brings push back).
     */
    public void outsideScope(String note, Instant now) {
        polled(note, now);
        this.outsideScope = true;
    }

    /** Setting up push failed once more; polled meanwhile. @return the failures in a row */
    public int pushFailed(String note, Instant now) {
        polled(note, now);
        this.outsideScope = false;
        return ++failures;
    }

    public UUID connectionId() {
        return connectionId;
    }

    public String note() {
        return note;
    }

    public boolean isOutsideScope() {
        return outsideScope;
    }

    public int failures() {
        return failures;
    }
}
