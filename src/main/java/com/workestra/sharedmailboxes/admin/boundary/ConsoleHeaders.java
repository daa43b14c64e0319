package com.workestra.sharedmailboxes.admin.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Browser protections for the console's pages: never framed (clickjacking), never cached (they show mailboxes and
 * errors), no MIME sniffing, no referrer to other sites, no plugins, and scripts, styles and images only from here.
 * No inline script at all ({@code script-src 'self'}, no {@code 'unsafe-inline'}): the pages carry no event-handler
 * attributes and no script elements of their own; the list's refresh is Faces' ajax called from console.js.
 */
@WebFilter(urlPatterns = {"/admin/*", "/jakarta.faces.resource/*"}, asyncSupported = true)
public class ConsoleHeaders extends HttpFilter {

    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        protect(request, response);
        chain.doFilter(request, response);
    }

    /** The headers, also for an answer another filter gives before this one ran (the console's 403). */
    static void protect(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("Content-Security-Policy", POLICY);
        if (!request.getRequestURI().contains("/jakarta.faces.resource/")) {
            response.setHeader("Cache-Control", "no-store");
        }
    }
}
