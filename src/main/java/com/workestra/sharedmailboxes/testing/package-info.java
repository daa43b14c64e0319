/** Controls for the integration tests (hold background work, move the clock), off unless testing.controls-enabled. */
package com.workestra.sharedmailboxes.testing;
