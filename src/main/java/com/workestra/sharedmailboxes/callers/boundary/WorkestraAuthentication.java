package com.workestra.sharedmailboxes.callers.boundary;

import com.workestra.sharedmailboxes.callers.control.ConsoleSignIn;
import com.workestra.sharedmailboxes.callers.control.PendingSignIn;
import com.workestra.sharedmailboxes.callers.entity.ConsolePrincipal;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.security.enterprise.AuthenticationException;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The application's one HTTP authentication mechanism (Jakarta Security allows one per application), choosing by path:
 * <ul>
 * <li>{@code /admin/*}, the console: OpenID Connect sign-in at Workestra's identity provider (authorization code flow),
 * remembered in the HTTP session;</li>
 * <li>everything else, the API: MicroProfile JWT bearer tokens, checked by the server's own MP-JWT mechanism (installed
 * by {@code @LoginConfig(authMethod = "MP-JWT")}), to which this one delegates unchanged.</li>
 * </ul>
 * As an enabled alternative it wins CDI's resolution of {@link HttpAuthenticationMechanism} over the server's MP-JWT
 * mechanism, which stays a bean and is looked up here by type.
 * <p>
 * No web.xml security constraint names the console's pages (Payara does not take them alongside {@code @LoginConfig}):
 * this mechanism restores the console session's caller on every console request, and starts the sign-in when the
 * console's access filter ({@code admin.boundary.ConsoleAccess}, which decides who may open what) asks for one with
 * {@code request.authenticate}.
 */
@Alternative
@Priority(Interceptor.Priority.APPLICATION)
@ApplicationScoped
public class WorkestraAuthentication implements HttpAuthenticationMechanism {

    public static final String CONSOLE_PREFIX = "/admin";
    static final String IDENTITY = WorkestraAuthentication.class.getName() + ".identity";
    static final String PENDING = WorkestraAuthentication.class.getName() + ".pending";
    private static final int MAX_PENDING_SIGN_INS = 8;
    private static final Logger LOG = Logger.getLogger(WorkestraAuthentication.class.getName());

    @Inject
    BeanManager beans;

    @Inject
    ConsoleSignIn signIn;

    private volatile Optional<HttpAuthenticationMechanism> bearer;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) throws AuthenticationException {
        if (!isConsole(request)) {
            // Without a bearer token the server's MP-JWT mechanism does nothing either, after a CDI.current() lookup
            // that cost Graph's webhook (public, never sent a token) a quarter of its time at 500 a second (issue 18 §5).
            Optional<HttpAuthenticationMechanism> api = presentsBearerToken(request) ? bearer() : Optional.empty();
            return api.isPresent() ? api.get().validateRequest(request, response, context) : context.doNothing();
        }
        try {
            return console(request, response, context);
        } catch (IOException e) {
            throw new AuthenticationException(e);
        }
    }

    @Override
    public AuthenticationStatus secureResponse(HttpServletRequest request, HttpServletResponse response,
                                               HttpMessageContext context) throws AuthenticationException {
        Optional<HttpAuthenticationMechanism> api = isConsole(request) ? Optional.empty() : bearer();
        return api.isPresent() ? api.get().secureResponse(request, response, context)
                : HttpAuthenticationMechanism.super.secureResponse(request, response, context);
    }

    @Override
    public void cleanSubject(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
        Optional<HttpAuthenticationMechanism> api = isConsole(request) ? Optional.empty() : bearer();
        if (api.isPresent()) {
            api.get().cleanSubject(request, response, context);
        } else {
            HttpAuthenticationMechanism.super.cleanSubject(request, response, context);
        }
    }

    /** As the MP-JWT mechanism reads it ({@code mp.jwt.token.header=Authorization}). */
    private static boolean presentsBearerToken(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        return authorization != null && authorization.startsWith("Bearer ");
    }

    public static boolean isConsole(HttpServletRequest request) {
        String path = path(request);
        return path.equals(CONSOLE_PREFIX) || path.startsWith(CONSOLE_PREFIX + "/");
    }

    /** Signs the console's caller out of this server: the session and everything in it go. */
    public static void forget(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }

    private AuthenticationStatus console(HttpServletRequest request, HttpServletResponse response, HttpMessageContext context)
            throws IOException {
        HttpSession session = request.getSession(false);
        if (path(request).equals(ConsoleSignIn.CALLBACK_PATH)) {
            return completeSignIn(request, context, session);
        }
        ConsolePrincipal identity = session == null ? null : (ConsolePrincipal) session.getAttribute(IDENTITY);
        if (identity != null) {
            return context.notifyContainerAboutLogin(identity, Set.copyOf(identity.groups()));
        }
        if (!context.isProtected() && !context.isAuthenticationRequest()) {
            return context.doNothing();
        }
        if (!signIn.isConfigured()) {
            return unavailable(response, "The console's sign-in is not configured on this server"
                    + " (console.oidc.issuer, console.oidc.client-id, console.oidc.client-secret).");
        }
        ConsoleSignIn.Started started;
        try {
            started = signIn.start(returnTo(request));
        } catch (ConsoleSignIn.SignInFailed e) {
            LOG.warning(() -> "console sign-in cannot start: " + e.code() + " " + e.getMessage());
            return unavailable(response, "Workestra's sign-in service cannot be reached right now. Try again in a minute.");
        }
        remember(request.getSession(true), started.pending());
        if ("partial/ajax".equals(request.getHeader("Faces-Request"))) {
            // A Faces ajax request (the page's refresh, a button) whose session ended: let the page's script navigate.
            response.setContentType("text/xml");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><partial-response><redirect url=\""
                    + xmlAttribute(started.authorizationUrl()) + "\"/></partial-response>");
            response.flushBuffer();
            return AuthenticationStatus.SEND_CONTINUE;
        }
        return context.redirect(started.authorizationUrl());
    }

    private AuthenticationStatus completeSignIn(HttpServletRequest request, HttpMessageContext context, HttpSession session) {
        PendingSignIn pending = session == null ? null : take(session, request.getParameter("state"));
        if (pending == null) {
            ConsolePrincipal already = session == null ? null : (ConsolePrincipal) session.getAttribute(IDENTITY);
            return context.redirect(already != null ? request.getContextPath() + "/admin/outlook.xhtml"
                    : signedOut(request, "SIGN_IN_EXPIRED"));
        }
        if (signIn.isExpired(pending)) {
            return context.redirect(signedOut(request, "SIGN_IN_EXPIRED"));
        }
        String error = request.getParameter("error");
        String code = request.getParameter("code");
        if (error != null || code == null || code.isBlank()) {
            LOG.info(() -> "console sign-in refused by the identity provider: " + error);
            return context.redirect(signedOut(request, "access_denied".equals(error) ? "SIGN_IN_CANCELLED" : "SIGN_IN_FAILED"));
        }
        ConsolePrincipal identity;
        try {
            identity = signIn.finish(pending, code);
        } catch (ConsoleSignIn.SignInFailed e) {
            LOG.warning(() -> "console sign-in failed: " + e.code() + " " + e.getMessage());
            return context.redirect(signedOut(request, "NO_WORKSPACE".equals(e.code()) ? "NO_WORKSPACE" : "SIGN_IN_FAILED"));
        }
        request.changeSessionId();
        session.setAttribute(IDENTITY, identity);
        return context.redirect(pending.returnTo());
    }

    /** The console page to come back to: a GET comes back to itself, anything else to its page. */
    private static String returnTo(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (path.equals(request.getContextPath() + CONSOLE_PREFIX) || path.endsWith("/") || !path.endsWith(".xhtml")) {
            return request.getContextPath() + "/admin/outlook.xhtml";
        }
        String query = request.getQueryString();
        return "GET".equals(request.getMethod()) && query != null ? path + "?" + query : path;
    }

    private static String signedOut(HttpServletRequest request, String reason) {
        return request.getContextPath() + ConsoleSignIn.SIGNED_OUT_PATH + "?reason=" + reason;
    }

    @SuppressWarnings("unchecked")
    private static synchronized void remember(HttpSession session, PendingSignIn pending) {
        Map<String, PendingSignIn> all = (Map<String, PendingSignIn>) session.getAttribute(PENDING);
        LinkedHashMap<String, PendingSignIn> updated = all == null ? new LinkedHashMap<>() : new LinkedHashMap<>(all);
        while (updated.size() >= MAX_PENDING_SIGN_INS) {
            updated.remove(updated.keySet().iterator().next());
        }
        updated.put(pending.state(), pending);
        session.setAttribute(PENDING, updated);
    }

    @SuppressWarnings("unchecked")
    private static synchronized PendingSignIn take(HttpSession session, String state) {
        Map<String, PendingSignIn> all = (Map<String, PendingSignIn>) session.getAttribute(PENDING);
        if (all == null || state == null) {
            return null;
        }
        LinkedHashMap<String, PendingSignIn> updated = new LinkedHashMap<>(all);
        PendingSignIn pending = updated.remove(state);
        session.setAttribute(PENDING, updated);
        return pending;
    }

    private static AuthenticationStatus unavailable(HttpServletResponse response, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in unavailable"
                + "</title></head><body><h1>Sign-in unavailable</h1><p>" + xmlAttribute(message) + "</p></body></html>")
                .getBytes(StandardCharsets.UTF_8));
        response.flushBuffer();
        return AuthenticationStatus.SEND_CONTINUE;
    }

    private static String xmlAttribute(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * The path inside the application as the container mapped it (decoded, without path parameters or dot segments), so
     * that {@code /x/../admin/…} or {@code /admin;p=1/…} is the console here as it is for the console's filters.
     */
    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        if (servletPath != null && !servletPath.isEmpty()) {
            return servletPath + (request.getPathInfo() == null ? "" : request.getPathInfo());
        }
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }

    /** The server's MP-JWT mechanism, if it installed one: every other mechanism bean but this one. */
    private Optional<HttpAuthenticationMechanism> bearer() {
        Optional<HttpAuthenticationMechanism> found = bearer;
        if (found == null) {
            Bean<?> other = beans.getBeans(HttpAuthenticationMechanism.class).stream()
                    .filter(bean -> !WorkestraAuthentication.class.equals(bean.getBeanClass()))
                    .findFirst().orElse(null);
            found = other == null ? Optional.empty() : Optional.of((HttpAuthenticationMechanism) beans.getReference(other,
                    HttpAuthenticationMechanism.class, beans.createCreationalContext(other)));
            if (other == null) {
                LOG.warning("no MicroProfile JWT mechanism found: API requests cannot authenticate");
            }
            bearer = found;
        }
        return found;
    }
}
