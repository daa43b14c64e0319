package com.workestra.sharedmailboxes.m365emulator;

/** A user in the emulated Entra ID directory; the oid survives a UPN rename. */
public record DirectoryUser(String oid, String upn, String displayName) {
}
