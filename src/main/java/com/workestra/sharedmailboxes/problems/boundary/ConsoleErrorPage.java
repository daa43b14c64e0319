package com.workestra.sharedmailboxes.problems.boundary;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;

/**
 * The console's error pages (the API answers problem+json instead): plain HTML written without Faces, so an error in
 * a Faces request can never fail again while it is shown. Everything echoed is escaped.
 */
public final class ConsoleErrorPage {

    private ConsoleErrorPage() {
    }

    public static void write(HttpServletRequest request, HttpServletResponse response, int status) throws IOException {
        Throwable failure = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        boolean expiredForm = causedBy(failure, "jakarta.faces.application.ViewExpiredException")
                || causedBy(failure, "jakarta.faces.application.ProtectedViewException");
        int shown = expiredForm ? HttpServletResponse.SC_BAD_REQUEST : status;
        String title;
        String text;
        if (expiredForm) {
            title = "This page had expired";
            text = "The form was too old or was not sent from this console page, so nothing was changed. Reload the page and try again.";
        } else {
            switch (shown) {
                case HttpServletResponse.SC_FORBIDDEN -> {
                    title = "Workspace admins only";
                    Principal who = request.getUserPrincipal();
                    text = "This page is for the admins of your Workestra workspace"
                            + (who == null ? "" : ", and " + who.getName() + " is not one of them")
                            + ". Ask an admin of your workspace if you need to see every mailbox's health.";
                }
                case HttpServletResponse.SC_NOT_FOUND -> {
                    title = "No such page";
                    text = "There is no page at this address in the console.";
                }
                default -> {
                    title = "Something went wrong";
                    text = "Something went wrong on our side; nothing you did caused it. Try again in a moment.";
                }
            }
        }
        String home = request.getContextPath() + "/admin/outlook.xhtml";
        String css = request.getContextPath() + "/jakarta.faces.resource/console.css.xhtml?ln=console";
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " · Workestra</title><link rel=\"stylesheet\" href=\"" + escape(css) + "\"></head>"
                + "<body><header class=\"top\"><span class=\"brand\">Workestra</span></header>"
                + "<main id=\"main\" class=\"page\"><h1 id=\"error-title\">" + escape(title) + "</h1>"
                + "<p id=\"error-text\" class=\"lead\">" + escape(text) + "</p>"
                + "<p><a class=\"button\" href=\"" + escape(home) + "\">Go to Settings → Integrations → Outlook</a></p></main></body></html>";
        response.resetBuffer();
        response.setStatus(shown);
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(html.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean causedBy(Throwable failure, String className) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length() + 16);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
