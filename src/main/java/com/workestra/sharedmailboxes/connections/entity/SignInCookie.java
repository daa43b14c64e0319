package com.workestra.sharedmailboxes.connections.entity;

import com.workestra.sharedmailboxes.graph.control.OAuthSecrets;
import java.time.Duration;

/**
 * The cookie that carries a sign-in's browser binding from the answer of {@code POST /outlook/authorizations} to the
 * callback. One per started sign-in (its name derives from the state), so two sign-ins in two tabs do not overwrite
 * each other; sent only to the callback's path; never readable by scripts.
 *
 * <p>Microsoft brings the browser back with a form_post: a cross-site, top-level POST. {@code SameSite=Lax} cookies
 * are not sent on it (Lax only rides cross-site top-level GETs), {@code Strict} ones neither, so over https the cookie
 * is {@code SameSite=None; Secure}. Browsers refuse {@code SameSite=None} without {@code Secure}, so over plain http
 * (tests, a same-site setup) it is {@code SameSite=Lax}; a real Microsoft sign-in needs https anyway.
 */
public record SignInCookie(String name, String value, String path, Duration maxAge, boolean secure) {

    static final String NAME_PREFIX = "outlook_sign_in_";

    /** The cookie of the sign-in with this state: a prefix of the state's hash, so the name says nothing of the secret. */
    public static String nameFor(String state) {
        return NAME_PREFIX + OAuthSecrets.fingerprint(state).substring(0, 16);
    }

    /** The binding a browser keeps for as long as the sign-in may take. */
    public static SignInCookie binding(String state, String secret, String path, Duration lifetime, boolean secure) {
        return new SignInCookie(nameFor(state), secret, path, lifetime, secure);
    }

    /** Tells the browser to drop the binding: the sign-in it was for is over. */
    public static SignInCookie cleared(String state, String path, boolean secure) {
        return new SignInCookie(nameFor(state), "", path, Duration.ZERO, secure);
    }

    /** The {@code Set-Cookie} header value. */
    public String header() {
        StringBuilder header = new StringBuilder(name).append('=').append(value)
                .append("; Path=").append(path)
                .append("; Max-Age=").append(Math.max(0, maxAge.toSeconds()));
        if (maxAge.isZero()) {
            header.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        }
        header.append("; HttpOnly");
        header.append(secure ? "; Secure; SameSite=None" : "; SameSite=Lax");
        return header.toString();
    }
}
