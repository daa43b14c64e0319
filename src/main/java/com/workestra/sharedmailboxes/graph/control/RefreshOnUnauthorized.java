package com.workestra.sharedmailboxes.graph.control;

import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;

/**
 * A 401 from Graph never leads to a retry with the same token: the request is sent once more with a freshly refreshed
 * one. A claims challenge ({@code WWW-Authenticate … claims=}) is left to the SDK, which asks the token provider for
 * a token with those claims itself. When the refresh is refused (the sign-in was revoked) the refusal propagates.
 */
final class RefreshOnUnauthorized implements Interceptor {

    private final AccessTokens tokens;

    RefreshOnUnauthorized(AccessTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        Response response = chain.proceed(request);
        if (response.code() != 401 || request.header("Authorization") == null || hasClaimsChallenge(response)) {
            return response;
        }
        response.close();
        String fresh = tokens.refreshed(null);
        return chain.proceed(request.newBuilder().header("Authorization", "Bearer " + fresh).build());
    }

    private static boolean hasClaimsChallenge(Response response) {
        for (String challenge : response.headers("WWW-Authenticate")) {
            if (challenge.contains("claims=")) {
                return true;
            }
        }
        return false;
    }
}
