/**
 * Adding a shared mailbox under a personal Outlook connection: the address check, the refusals, the access probe
 * with the parent's delegated token (which also tells which mailbox the address is now), and the shared row, kept and
 * updated when the mailbox was renamed or its address given to a new one. Exchange's permissions stay the gate.
 */
package com.workestra.sharedmailboxes.sharedmailboxes;
