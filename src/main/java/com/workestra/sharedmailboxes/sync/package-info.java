/**
 * Keeping every connection's mailbox in sync: triggers mark a connection due, a scheduler claims due connections under a
 * lease and runs delta sync per folder, each page and its cursor committed together.
 */
package com.workestra.sharedmailboxes.sync;
