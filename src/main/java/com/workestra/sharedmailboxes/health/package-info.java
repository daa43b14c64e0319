/** Health badges (healthy, never synced, stale, error) computed from a connection's sync and error state, and health checks. */
package com.workestra.sharedmailboxes.health;
