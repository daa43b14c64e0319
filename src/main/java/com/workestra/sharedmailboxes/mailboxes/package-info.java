/**
 * Mailboxes of a workspace as Exchange identifies them (a personal mailbox by its Microsoft user id, a shared one by
 * the id of its Inbox folder, never by its address, which is a display attribute that may change), and who may read
 * each one over time: a person reads a mailbox while they hold a working connection to it, and afterwards only what
 * arrived before their access ended. Connections and messages both stand on this component.
 */
package com.workestra.sharedmailboxes.mailboxes;
