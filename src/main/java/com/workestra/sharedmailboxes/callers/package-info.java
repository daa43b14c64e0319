/** Who is calling: the Workestra user, workspace and groups taken from the verified JWT. */
package com.workestra.sharedmailboxes.callers;
