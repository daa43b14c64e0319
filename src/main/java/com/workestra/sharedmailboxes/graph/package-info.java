/**
 * The one place that talks to Microsoft's endpoints: where they are (configuration), which certificates are trusted,
 * Graph SDK clients built around a token, and the translation of Graph errors into what the service acts on.
 */
package com.workestra.sharedmailboxes.graph;
