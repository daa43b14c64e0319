/**
 * Workestra shared mailboxes: Microsoft 365 personal and shared mailboxes inside Workestra.
 * Each sub-package is one business component split into boundary, control and entity.
 */
package com.workestra.sharedmailboxes;
