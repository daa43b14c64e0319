/**
 * Health badges (healthy, never synced, stale, error) computed from a connection's error and its sync's status, the
 * status shown with each connection (it implements {@code connections.boundary.ConnectionStatus}), the stale sweep,
 * and the health checks (readiness names missing secrets; the mailbox counts are computed in SQL).
 */
package com.workestra.sharedmailboxes.health;
