package com.workestra.sharedmailboxes.admin.boundary;

import com.workestra.sharedmailboxes.callers.control.ConsoleSignIn;
import com.workestra.sharedmailboxes.callers.entity.ConsolePrincipal;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Set;

/**
 * Who may open what under {@code /admin/}: the one place that decides. Sign-in's return address and the signed-out
 * page are open; the Outlook page is for every signed-in member or admin; every other console path, those added
 * later included, is for the workspace's admins only, and a member gets the 403 page, for a page (GET) and for any
 * action on it (POST, Faces ajax or not). Only the console's own sign-in counts: a bearer token never opens a console
 * page (the API's mechanism is not asked here), so without a console session the person is sent to sign in.
 * <p>
 * Why not web.xml security constraints: with {@code @LoginConfig(authMethod = "MP-JWT")} (the API's tokens) Payara Micro
 * logs at every deployment that they are invalid ("security-constraints cannot be defined while using the
 * {@code @LoginConfig} annotation"). It enforced them all the same, but the console's protection should not rest on
 * something the server calls invalid: this filter decides instead, after {@code WorkestraAuthentication} restored the
 * console session's caller, and asks it to sign the person in when there is none.
 */
@WebFilter(urlPatterns = {"/admin", "/admin/*"}, asyncSupported = true)
public class ConsoleAccess extends HttpFilter {

    /** Who a console path is for. */
    public enum Audience { ANYONE, MEMBERS, ADMINS }

    static final Set<String> OPEN = Set.of(ConsoleSignIn.CALLBACK_PATH, ConsoleSignIn.SIGNED_OUT_PATH);
    static final Set<String> FOR_MEMBERS = Set.of("/admin", "/admin/", "/admin/outlook.xhtml", ConsoleChanges.PATH);

    public static Audience audience(String path) {
        if (OPEN.contains(path)) {
            return Audience.ANYONE;
        }
        return FOR_MEMBERS.contains(path) ? Audience.MEMBERS : Audience.ADMINS;
    }

    /** Whether the signed-in console caller may open a path for this audience. */
    public static boolean admits(Audience audience, ConsolePrincipal who) {
        return switch (audience) {
            case ANYONE -> true;
            case MEMBERS -> who != null && (who.groups().contains("member") || who.groups().contains("admin"));
            case ADMINS -> who != null && who.groups().contains("admin");
        };
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Audience audience = audience(path(request));
        if (audience == Audience.ANYONE) {
            chain.doFilter(request, response);
            return;
        }
        if (!(request.getUserPrincipal() instanceof ConsolePrincipal) && !request.authenticate(response)) {
            return; // the browser was sent to sign in (or told why it cannot)
        }
        ConsolePrincipal who = request.getUserPrincipal() instanceof ConsolePrincipal console ? console : null;
        if (!admits(audience, who)) {
            ConsoleHeaders.protect(request, response);
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        chain.doFilter(request, response);
    }

    /** The path as the container mapped it (decoded, without path parameters or dot segments), inside the context. */
    static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
        String pathInfo = request.getPathInfo() == null ? "" : request.getPathInfo();
        return servletPath + pathInfo;
    }
}
