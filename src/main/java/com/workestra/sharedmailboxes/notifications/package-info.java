/**
 * Push delivery: Graph change-notification subscriptions on a mailbox's messages in every folder (delegated on a
 * user's own mailbox, app-only on shared mailboxes when such an identity is configured), set up when {@code connections} announces a connection made, added or
 * reconnected, renewed and kept through Graph's lifecycle events, and the webhook receivers that turn notifications into
 * sync requests. Where push is impossible or keeps failing, the connection polls, and says so. {@code /subscriptions} is
 * called with no transaction open; what Microsoft answered is written in a short transaction of its own.
 */
package com.workestra.sharedmailboxes.notifications;
