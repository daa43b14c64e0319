package com.workestra.sharedmailboxes.graph.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;

/**
 * What Microsoft's answers about a mailbox mean to the person reading the row or the refusal: PRODUCT.md's sentences,
 * each written once, for sync, the probe, read state and sending alike.
 */
public final class MailboxRefusals {

    /** Exchange refuses the person on the mailbox (no Full Access, or it was withdrawn). */
    public static final String ACCESS_DENIED = ProblemCode.MAILBOX_ACCESS_DENIED.title();

    public static final String SEND_AS_DENIED = "You have Full Access to this mailbox but not Send as in Exchange. "
            + "They are separate permissions: ask your admin to add you to the Send as (or Send on behalf of) list for the "
            + "shared mailbox. No Workestra-side change is needed — the next send attempt will work once Exchange propagates the change.";

    public static final String THROTTLED = "Microsoft is throttling requests to this mailbox";

    private MailboxRefusals() {
    }

    public static String notFound(String address) {
        return "Microsoft 365 could not find a mailbox at " + address;
    }

    /** A shared row's mailbox no longer resolves: what to do when its address was changed at Microsoft. */
    public static String sharedNotFound(String address) {
        return notFound(address) + ". If its address was changed, add it again under the new address: it keeps its history.";
    }

    public static String replaced(String address) {
        return address + " is now another mailbox: the one you added was deleted in Microsoft 365 and a new one was created at"
                + " this address. Add it again to read the new one; what was synced before stays readable.";
    }

    /** What a transient failure means to the person reading the row (its last transient failure, the Stale reason). */
    public static String transientFailure(GraphFailure failure) {
        if (failure.isThrottled()) {
            return THROTTLED + " (429)";
        }
        if (failure.status() == 0) {
            return "Microsoft 365 did not answer";
        }
        if (failure.status() >= 500) {
            return "Microsoft 365 answered with an error (" + failure + ")";
        }
        if (failure.isUnauthorized()) {
            return "Microsoft refused the sign-in even after it was refreshed (" + failure + ")";
        }
        return "Microsoft refused the sync request (" + failure + ")";
    }
}
