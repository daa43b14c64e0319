package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;

/**
 * How a connection is doing, which only the components standing on connections can tell (health's badge, sync's
 * progress); implemented there, so that connections shows it without depending on them.
 */
public interface ConnectionStatus {

    ConnectionView.Status of(OutlookConnection connection);
}
