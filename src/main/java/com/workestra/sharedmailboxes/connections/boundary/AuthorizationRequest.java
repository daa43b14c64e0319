package com.workestra.sharedmailboxes.connections.boundary;

import jakarta.validation.constraints.Size;

import java.util.UUID;

/** Body of POST /outlook/authorizations: where to come back to, and optionally which connection this reconnects. */
public class AuthorizationRequest {

    @Size(max = 2048)
    public String returnUrl;

    public UUID reconnectConnectionId;

    public AuthorizationRequest() {
    }

    public AuthorizationRequest(String returnUrl, UUID reconnectConnectionId) {
        this.returnUrl = returnUrl;
        this.reconnectConnectionId = reconnectConnectionId;
    }
}
