package com.workestra.sharedmailboxes.m365emulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The state a message delta round carries in its skip and delta tokens: a position in the folder's
 * change sequence, not a copy of the folder. The query options of the first request are encoded too,
 * as Graph does.
 *
 * @param from changes after this sequence number belong to the round (0 for the initial round)
 * @param upper the mailbox's committed sequence number when the round started
 * @param cursor last sequence number (or receivedDateTime order key, when ordering) already examined
 * @param generation the mailbox's sync generation; a mismatch means the token expired
 */
record DeltaToken(int mailbox, int folder, int generation, long from, long upper, long cursor, boolean initial,
        boolean orderByReceivedDesc, int delivered, String changeType, String filterOperator, long filterMillis,
        int top, String select) {

    String encode() {
        String plain = String.join("|", "1", Integer.toString(mailbox), Integer.toString(folder), Integer.toString(generation),
                Long.toString(from), Long.toString(upper), Long.toString(cursor), initial ? "1" : "0",
                orderByReceivedDesc ? "1" : "0", Integer.toString(delivered), nullable(changeType), nullable(filterOperator),
                Long.toString(filterMillis), Integer.toString(top), nullable(select));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    static DeltaToken decode(String token) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = plain.split("\\|", -1);
            if (parts.length != 15 || !parts[0].equals("1")) {
                return null;
            }
            return new DeltaToken(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), Integer.parseInt(parts[3]),
                    Long.parseLong(parts[4]), Long.parseLong(parts[5]), Long.parseLong(parts[6]), parts[7].equals("1"),
                    parts[8].equals("1"), Integer.parseInt(parts[9]), emptyToNull(parts[10]), emptyToNull(parts[11]),
                    Long.parseLong(parts[12]), Integer.parseInt(parts[13]), emptyToNull(parts[14]));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    DeltaToken continueAt(long newCursor, int newDelivered) {
        return new DeltaToken(mailbox, folder, generation, from, upper, newCursor, initial, orderByReceivedDesc,
                newDelivered, changeType, filterOperator, filterMillis, top, select);
    }

    /** The token of the next round: changes after this round's upper bound. */
    DeltaToken nextRound() {
        return new DeltaToken(mailbox, folder, generation, upper, upper, upper, false, false, 0, changeType,
                filterOperator, filterMillis, top, select);
    }

    DeltaToken startRound(long committed) {
        return new DeltaToken(mailbox, folder, generation, from, committed, from, false, false, 0, changeType,
                filterOperator, filterMillis, top, select);
    }

    private static String nullable(String value) {
        return value == null ? "" : value;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
