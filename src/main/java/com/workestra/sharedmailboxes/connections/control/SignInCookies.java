package com.workestra.sharedmailboxes.connections.control;

import com.workestra.sharedmailboxes.connections.entity.SignInCookie;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * The browser-binding cookies of this deployment: scoped to the callback's path under the public base URL, and
 * {@code Secure} (so {@code SameSite=None}) when the browser talks https: the request came over https, or the public
 * base URL is https (a TLS-terminating proxy in front of Payara forwards plain http).
 */
@ApplicationScoped
public class SignInCookies {

    @Inject
    OutlookSignIn signIn;

    @Inject
    @ConfigProperty(name = "service.public-base-url")
    String publicBaseUrl;

    public SignInCookie binding(String state, String secret, Duration lifetime, boolean httpsRequest) {
        return SignInCookie.binding(state, secret, callbackPath(), lifetime, secure(httpsRequest));
    }

    public SignInCookie cleared(String state, boolean httpsRequest) {
        return SignInCookie.cleared(state, callbackPath(), secure(httpsRequest));
    }

    private String callbackPath() {
        return signIn.redirectUri().getPath();
    }

    private boolean secure(boolean httpsRequest) {
        return httpsRequest || publicBaseUrl.trim().toLowerCase(java.util.Locale.ROOT).startsWith("https:");
    }
}
