package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;

import java.util.List;

/**
 * How a connection is doing, which only the components standing on connections can tell (health's badge, sync's
 * progress); implemented there, so that connections shows it without depending on them.
 */
public interface ConnectionStatus {

    ConnectionView.Status of(OutlookConnection connection);

    /** {@link #of} for each of these connections (a person's list), in a fixed number of statements, in their order. */
    List<ConnectionView.Status> of(List<OutlookConnection> connections);
}
