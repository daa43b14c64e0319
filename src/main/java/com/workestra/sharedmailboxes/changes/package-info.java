/**
 * The change feed (issue 16 §4): what happened to the messages, conversations and connections a person may see, in the
 * order it was committed, for the modules ({@code GET /changes} from a cursor, or Server-Sent Events from
 * {@code /changes/stream}) and the console. The database is the source: the {@code change} table is written by the
 * database itself, by triggers on {@code message}, {@code outlook_connection} and {@code sync_state}, in the transaction
 * that made the change, and numbered per workspace at commit (see {@code V18__change_feed.sql}); this component only
 * reads it, applying the same access rule as the messages (a mailbox's changes while the person holds a working
 * connection to it, afterwards only those of messages received before their access ended; nothing of another
 * workspace). Each server polls the table in one loop for all of its streams.
 */
package com.workestra.sharedmailboxes.changes;
