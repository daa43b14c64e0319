package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;

/**
 * How many messages the next delta page asks for ({@code Prefer: odata.maxpagesize}): as many as keep a page's text near
 * {@code sync.page-bytes}, judged by the page before, within 10 and {@code sync.page-size}. Real mail with 50 to 200 KB
 * HTML bodies would otherwise make a page of 250 tens of megabytes, and a worker holds two (the one it writes and the
 * one it prefetches). A round's first page asks for {@link #FIRST}, since nothing is known of its bodies yet.
 */
final class PageSizing {

    static final int MIN = 10;
    static final int FIRST = 50;
    /** What a message weighs besides its body, preview and subject: ids, addresses, dates, JSON (characters). */
    static final int PER_MESSAGE = 1_000;

    private PageSizing() {
    }

    static int first(int max) {
        return Math.max(1, Math.min(FIRST, max));
    }

    /** The size of the page after {@code page}, which was asked for with {@code asked}. */
    static int next(int asked, DeltaPage page, long budget, int max) {
        int items = page.changes().size();
        if (items == 0) {
            return Math.min(max, Math.max(MIN, asked));
        }
        long perMessage = Math.max(1, weight(page) / items);
        long fits = budget / perMessage;
        return (int) Math.max(Math.min(MIN, max), Math.min(max, fits));
    }

    /**
     * About how many characters a page of {@code size} messages will hold, judged by {@code before} (null or empty:
     * nothing is known, so what its messages weigh at the least).
     */
    static long expectedWeight(int size, DeltaPage before) {
        int items = before == null ? 0 : before.changes().size();
        long perMessage = items == 0 ? PER_MESSAGE : Math.max(1, weight(before) / items);
        return perMessage * size;
    }

    /** About how many characters the page's messages hold. */
    static long weight(DeltaPage page) {
        long weight = 0;
        for (MessageChange change : page.changes()) {
            weight += PER_MESSAGE + length(change.body()) + length(change.preview()) + length(change.subject());
        }
        return weight;
    }

    private static int length(String text) {
        return text == null ? 0 : text.length();
    }
}
