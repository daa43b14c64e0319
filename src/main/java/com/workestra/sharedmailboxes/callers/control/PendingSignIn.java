package com.workestra.sharedmailboxes.callers.control;

import java.io.Serializable;
import java.time.Instant;

/** A console sign-in that went to the identity provider and has not come back yet; kept in the browser's session. */
public record PendingSignIn(String state, String nonce, String codeVerifier, String returnTo, Instant startedAt)
        implements Serializable {
}
