/**
 * The message store: mailboxes of a workspace as Exchange identifies them (not by address), who may read them, messages,
 * inbox queries, bodies made safe to display, read state, sending.
 */
package com.workestra.sharedmailboxes.messages;
