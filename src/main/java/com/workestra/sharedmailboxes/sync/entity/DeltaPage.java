package com.workestra.sharedmailboxes.sync.entity;

import com.workestra.sharedmailboxes.messages.entity.MessageChange;

import java.util.List;

/** One page of a delta round: its items and either the link to the next page or the link for the next round. */
public record DeltaPage(List<MessageChange> changes, String nextLink, String deltaLink) {

    public boolean isLast() {
        return nextLink == null;
    }
}
