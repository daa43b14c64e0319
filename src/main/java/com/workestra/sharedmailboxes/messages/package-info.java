/**
 * The message store: messages of the mailboxes (as {@code mailboxes} lets each person read them), each mailbox's folder
 * tree ({@code mail_folder}, written in sync's transaction through {@code MailFolders}), inbox queries,
 * conversations (threads across the workspace's mailboxes, decided as sync stores each page), bodies
 * made safe to display, a received message's attachments (listed and streamed from Exchange with the reader's token,
 * never stored), read state, replying and sending as or on behalf of a shared mailbox.
 */
package com.workestra.sharedmailboxes.messages;
