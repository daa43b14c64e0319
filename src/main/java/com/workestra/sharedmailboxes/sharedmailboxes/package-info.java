/**
 * Adding a shared mailbox under a personal Outlook connection: the address check, the refusals, the access probe
 * with the parent's delegated token, and the shared row. Exchange's permissions stay the gate.
 */
package com.workestra.sharedmailboxes.sharedmailboxes;
