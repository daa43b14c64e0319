/**
 * Controls for the integration tests (hold background work, move the clock, count calls to Microsoft made inside a
 * database transaction), off unless testing.controls-enabled.
 */
package com.workestra.sharedmailboxes.testing;
