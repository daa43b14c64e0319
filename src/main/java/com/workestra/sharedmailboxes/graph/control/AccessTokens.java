package com.workestra.sharedmailboxes.graph.control;

/**
 * Where a Graph client gets its bearer token: the current one, or a fresh one when Graph refused the last one
 * (a 401, possibly with a continuous-access-evaluation claims challenge that the new token must satisfy).
 */
public interface AccessTokens {

    String current();

    /** @param claims the challenge's claims as JSON, or null for a plain refresh */
    String refreshed(String claims);

    static AccessTokens fixed(java.util.function.Supplier<String> token) {
        return new AccessTokens() {
            @Override
            public String current() {
                return token.get();
            }

            @Override
            public String refreshed(String claims) {
                return token.get();
            }
        };
    }
}
