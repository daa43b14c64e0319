package com.workestra.sharedmailboxes.m365emulator;

/** Graph's emailAddress: display name and SMTP address. */
record EmailAddress(String name, String address) {
}
