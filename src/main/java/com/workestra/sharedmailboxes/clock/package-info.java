/** The one clock of the service, injectable so that tests can move time. */
package com.workestra.sharedmailboxes.clock;
