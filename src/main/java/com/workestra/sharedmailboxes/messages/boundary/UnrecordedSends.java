package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The database half of mail Microsoft has already sent, written later when the database cannot take it now (PostgreSQL
 * restarting or away at the moment Microsoft accepted). Microsoft cannot take a mail back, so the request that sent it
 * answers 202 all the same (the truth about the mail) and its remaining steps wait here, in memory: the audit line with
 * {@link MailSent}, then the {@code Idempotency-Key}'s stored 202. Until they are written, a retry with the key finds it
 * claimed without an answer and gets 409 (never a second mail); once written, it gets the stored 202.
 * <p>
 * Bounded: tried again every second for as long as an {@code Idempotency-Key} lives ({@code messages.idempotency-key-lifetime}),
 * at most {@link #MAX_WAITING} sends at once; what is given up, or lost with the server (a kill, a crash), is logged at
 * SEVERE with everything the audit line would have said, so an operator can tell. Each step is written at most once:
 * a step that committed is not tried again.
 */
@ApplicationScoped
public class UnrecordedSends {

    static final int MAX_WAITING = 10_000;
    private static final Logger LOG = Logger.getLogger(UnrecordedSends.class.getName());

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "messages.idempotency-key-lifetime")
    Duration lifetime;

    private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private ScheduledFuture<?> loop;

    /** What is left to write of one sent mail: its steps in order, what it was, and until when it is tried. */
    private static final class Waiting {
        final String what;
        final Deque<Runnable> steps;
        final long giveUpAtNanos;

        Waiting(String what, List<Runnable> steps, long giveUpAtNanos) {
            this.what = what;
            this.steps = new ArrayDeque<>(steps);
            this.giveUpAtNanos = giveUpAtNanos;
        }

        /** Writes the steps left, in order, each once; throws at the first that fails, which stays for next time. */
        synchronized void write() {
            while (!steps.isEmpty()) {
                steps.peekFirst().run();
                steps.removeFirst();
            }
        }
    }

    @PostConstruct
    void start() {
        loop = scheduler.scheduleWithFixedDelay(this::retry, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (loop != null) {
            loop.cancel(false);
        }
        for (Waiting left : waiting) {
            LOG.severe("stopping with a sent mail not recorded (the mail went out, its audit line and Idempotency-Key answer"
                    + " are lost): " + left.what);
        }
    }

    /**
     * Writes the steps of a mail Microsoft accepted now, or, when one fails, it and the rest later. Returns normally
     * either way: the mail went out.
     *
     * @param what the mail as the audit line would name it (who, which mailbox, what), for the log
     */
    public void write(String what, List<Runnable> steps) {
        Waiting mail = new Waiting(what, steps, System.nanoTime() + lifetime.toNanos());
        try {
            mail.write();
        } catch (RuntimeException failed) {
            if (waiting.size() >= MAX_WAITING) {
                LOG.log(Level.SEVERE, "sent but not recorded, and " + MAX_WAITING + " such mails are already waiting: given"
                        + " up on recording " + what, failed);
                return;
            }
            LOG.log(Level.WARNING, "sent but not recorded yet (the database did not take it); tried again every second: "
                    + what, failed);
            waiting.add(mail);
        }
    }

    /** How many sent mails are waiting to be recorded on this server. */
    public int waiting() {
        return waiting.size();
    }

    void retry() {
        for (Waiting mail : waiting) {
            try {
                mail.write();
                waiting.remove(mail);
                LOG.info("sent mail recorded late: " + mail.what);
            } catch (RuntimeException failed) {
                if (System.nanoTime() - mail.giveUpAtNanos >= 0) {
                    waiting.remove(mail);
                    LOG.log(Level.SEVERE, "sent but never recorded, given up after " + lifetime + ": " + mail.what, failed);
                } else {
                    LOG.log(Level.FINE, "sent mail still not recorded: " + mail.what, failed);
                    // The database is still away: the others would fail the same way now.
                    return;
                }
            }
        }
    }
}
