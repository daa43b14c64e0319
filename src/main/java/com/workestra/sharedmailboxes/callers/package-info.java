/**
 * Who is calling: the Workestra user, workspace and groups, from the API's verified JWT or from the console's OpenID
 * Connect sign-in; and the one HTTP authentication mechanism that chooses between the two by path.
 */
package com.workestra.sharedmailboxes.callers;
