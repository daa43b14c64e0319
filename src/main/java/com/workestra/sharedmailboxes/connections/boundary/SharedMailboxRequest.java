package com.workestra.sharedmailboxes.connections.boundary;

/** Body of POST /outlook/connections/{id}/shared-mailboxes. The address is checked by the facade (INVALID_ADDRESS). */
public class SharedMailboxRequest {
    public String address;

    public SharedMailboxRequest() {
    }

    public SharedMailboxRequest(String address) {
        this.address = address;
    }
}
