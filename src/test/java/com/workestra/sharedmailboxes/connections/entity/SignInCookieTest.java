package com.workestra.sharedmailboxes.connections.entity;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignInCookieTest {

    private static final String CALLBACK = "/api/v1/outlook/callback";

    @Test
    void overHttpsTheBindingRidesMicrosoftsCrossSiteFormPostOnlyToTheCallbackAndNeverReachesScripts() {
        String header = SignInCookie.binding("the-state", "the-secret", CALLBACK, Duration.ofMinutes(10), true).header();
        assertEquals(SignInCookie.nameFor("the-state") + "=the-secret; Path=/api/v1/outlook/callback; Max-Age=600; HttpOnly;"
                + " Secure; SameSite=None", header);
    }

    @Test
    void overPlainHttpItIsLaxBecauseBrowsersRefuseSameSiteNoneWithoutSecure() {
        String header = SignInCookie.binding("the-state", "the-secret", CALLBACK, Duration.ofMinutes(10), false).header();
        assertTrue(header.endsWith("; HttpOnly; SameSite=Lax"), header);
        assertFalse(header.contains("Secure"), header);
    }

    @Test
    void clearingTellsTheBrowserToDropTheSameCookieAtOnce() {
        String header = SignInCookie.cleared("the-state", CALLBACK, true).header();
        assertTrue(header.startsWith(SignInCookie.nameFor("the-state") + "=; Path=/api/v1/outlook/callback; Max-Age=0;"
                + " Expires=Thu, 01 Jan 1970 00:00:00 GMT"), header);
    }

    @Test
    void eachSignInHasItsOwnCookieNamedAfterTheStateNotTheSecret() {
        String name = SignInCookie.nameFor("state-one");
        assertEquals(name, SignInCookie.nameFor("state-one"));
        assertNotEquals(name, SignInCookie.nameFor("state-two"));
        assertTrue(name.matches("outlook_sign_in_[A-Za-z0-9_-]{16}"), name);
        assertFalse(name.contains("state-one"));
    }
}
