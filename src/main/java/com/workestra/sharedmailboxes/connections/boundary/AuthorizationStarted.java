package com.workestra.sharedmailboxes.connections.boundary;

import java.time.Instant;

public record AuthorizationStarted(String authorizationUrl, Instant expiresAt) {
}
