/** The message store: mailboxes of a workspace, who may read them, messages, inbox queries, read state, sending. */
package com.workestra.sharedmailboxes.messages;
