/**
 * The one clock of the service, injectable so that tests can move time, and the switch that holds background work;
 * only the testing controls (off in production) move either.
 */
package com.workestra.sharedmailboxes.clock;
