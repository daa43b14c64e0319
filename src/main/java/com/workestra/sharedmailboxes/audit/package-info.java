/** Who did what, from which mailbox: connect, reconnect, disconnect, add, remove, send, reply, read state. */
package com.workestra.sharedmailboxes.audit;
