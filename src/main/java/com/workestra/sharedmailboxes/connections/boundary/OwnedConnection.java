package com.workestra.sharedmailboxes.connections.boundary;

/** A connection as a workspace admin sees it: whose it is, and the same view its owner gets. */
public record OwnedConnection(String userId, String userUpn, ConnectionView connection) {
}
