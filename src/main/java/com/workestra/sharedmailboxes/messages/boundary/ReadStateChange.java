package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.validation.constraints.NotNull;

/** Body of PATCH /messages/{id}. */
public class ReadStateChange {

    @NotNull
    public Boolean isRead;
}
