/**
 * The message store: messages of the mailboxes (as {@code mailboxes} lets each person read them), inbox queries, bodies
 * made safe to display, read state, replying and sending as or on behalf of a shared mailbox.
 */
package com.workestra.sharedmailboxes.messages;
