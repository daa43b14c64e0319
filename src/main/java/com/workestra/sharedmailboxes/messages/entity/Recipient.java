package com.workestra.sharedmailboxes.messages.entity;

/** A name and an address, as Graph's emailAddress carries them. */
public record Recipient(String name, String address) {
}
