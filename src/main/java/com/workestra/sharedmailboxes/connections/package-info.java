/**
 * Personal Outlook connections: the OAuth connect with state and PKCE, completed only in the browser that started it
 * (a binding cookie) and only for the workspace's allowed Microsoft tenants, reconnect in place by Microsoft user id,
 * disconnect with its shared rows cascading, and the token vault that keeps each MSAL token cache encrypted.
 * Shared rows are connections too (kind SHARED) that borrow their parent's token and never hold one.
 */
package com.workestra.sharedmailboxes.connections;
