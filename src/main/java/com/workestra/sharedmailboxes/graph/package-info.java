/**
 * The door to Microsoft: where its endpoints are (configuration) and which certificates are trusted; Graph SDK clients
 * kept per token holder that answer Graph's claims challenge, retry a 401 once with a refreshed token and ask for
 * immutable ids; the per-mailbox gate every Graph call about a mailbox passes (a bounded number in flight, a cool-down
 * after throttling); the translation of Graph errors ({@code GraphFailure}) and what they mean to a person
 * ({@code MailboxRefusals}, each sentence once); the watch that no call to Microsoft is made inside a database
 * transaction ({@code TransactionWatch}). It knows no component of the service: tokens come in through
 * {@code AccessTokens}, which {@code connections} and {@code notifications} implement.
 */
package com.workestra.sharedmailboxes.graph;
