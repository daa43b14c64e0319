package com.workestra.sharedmailboxes.sync.control;

import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.sync.entity.DeltaPage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PageSizingTest {

    static final long BUDGET = 4_000_000;

    static DeltaPage page(int messages, int largeEvery, int largeChars) {
        List<MessageChange> changes = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            String body = largeEvery > 0 && i % largeEvery == 0 ? "x".repeat(largeChars) : "A short reply.";
            changes.add(new MessageChange("id" + i, false, null, null, "Subject " + i, null, null, List.of(), List.of(),
                    Instant.EPOCH, false, false, "A short reply.", "html", body, null));
        }
        return new DeltaPage(changes, "next", null);
    }

    @Test
    void aRoundStartsSmallBecauseNothingIsKnownOfItsBodies() {
        assertEquals(50, PageSizing.first(250));
        assertEquals(20, PageSizing.first(20), "never more than sync.page-size");
    }

    @Test
    void shortMailGetsTheFullPageSize() {
        assertEquals(250, PageSizing.next(50, page(50, 0, 0), BUDGET, 250));
    }

    @Test
    void largeBodiesShrinkTheNextPageToTheBudget() {
        // A quarter of the messages with 150,000 characters of HTML: about 38,500 characters a message on average.
        int next = PageSizing.next(250, page(100, 4, 150_000), BUDGET, 250);
        assertEquals(103, next);
        // Every message that large: the floor of 10, so a round always moves on.
        assertEquals(10, PageSizing.next(103, page(103, 1, 2_000_000), BUDGET, 250));
    }

    @Test
    void aPageIsExpectedToWeighWhatTheMessagesOfThePageBeforeWeighed() {
        DeltaPage before = page(100, 4, 150_000);
        assertEquals(PageSizing.weight(before) / 100 * 103, PageSizing.expectedWeight(103, before));
        assertEquals(50 * PageSizing.PER_MESSAGE, PageSizing.expectedWeight(50, null), "nothing known: the least a message weighs");
        assertEquals(10 * PageSizing.PER_MESSAGE, PageSizing.expectedWeight(10, page(0, 0, 0)));
    }

    @Test
    void anEmptyPageKeepsTheSizeItAskedFor() {
        assertEquals(120, PageSizing.next(120, page(0, 0, 0), BUDGET, 250));
    }
}
