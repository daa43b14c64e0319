package com.workestra.sharedmailboxes.graph.control;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The claims of a {@code WWW-Authenticate} challenge: Graph sends them base64-encoded, MSAL takes them as JSON. */
final class ClaimsChallenge {

    private ClaimsChallenge() {
    }

    static String decode(String value) {
        String trimmed = value.trim();
        if (trimmed.startsWith("{")) {
            return trimmed;
        }
        try {
            return new String(Base64.getDecoder().decode(trimmed), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notStandard) {
            try {
                return new String(Base64.getUrlDecoder().decode(trimmed), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
        }
    }
}
