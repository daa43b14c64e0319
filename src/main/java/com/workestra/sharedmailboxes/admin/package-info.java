/**
 * The Jakarta Faces console under {@code /admin/}: each person's Settings → Integrations → Outlook page and the
 * workspace admins' mailbox health page. Pages call the boundary facades of the other components and never the
 * database; the sign-in is the console half of {@code callers}' authentication mechanism, and who may open which page
 * is decided here, in one place ({@code ConsoleAccess}).
 */
package com.workestra.sharedmailboxes.admin;
