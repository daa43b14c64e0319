/**
 * Outlook connections, the core the other components stand on. Personal connections: the OAuth connect with state and
 * PKCE, completed only in the browser that started it (a binding cookie) and only for the workspace's allowed Microsoft
 * tenants, reconnect in place by Microsoft user id, disconnect with its shared rows cascading, and the token vault that
 * keeps each MSAL token cache encrypted. Shared connections: adding a shared mailbox under a personal connection (the
 * address check, the refusals, the access probe with the parent's delegated token, which also tells which mailbox the
 * address is now), kept and updated when the mailbox was renamed or its address given to a new one. Shared rows borrow
 * their parent's token and never hold one. Microsoft (code redemption, the probe) is called with no transaction open;
 * the database work before and after it takes short transactions of its own.
 */
package com.workestra.sharedmailboxes.connections;
