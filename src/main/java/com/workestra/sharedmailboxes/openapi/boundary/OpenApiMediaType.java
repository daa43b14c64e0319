package com.workestra.sharedmailboxes.openapi.boundary;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Locale;

/**
 * MicroProfile OpenAPI serves the document as YAML ({@code application/yaml}) unless JSON is asked for with
 * {@code Accept: application/json} or {@code ?format=json}. Payara's endpoint produces {@code text/plain} for YAML and
 * refuses {@code Accept: application/yaml} with 406, so this filter asks it for its YAML and labels the answer
 * {@code application/yaml}; JSON requests pass unchanged.
 */
@WebFilter(urlPatterns = {"/openapi", "/openapi/*"})
public class OpenApiMediaType extends HttpFilter {

    static final String YAML = "application/yaml";
    private static final String PAYARA_YAML = "text/plain";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (wantsJson(request)) {
            chain.doFilter(request, response);
            return;
        }
        chain.doFilter(new AskingForYaml(request), new LabelledYaml(response));
    }

    static boolean wantsJson(HttpServletRequest request) {
        String format = request.getParameter("format");
        if (format != null) {
            return format.equalsIgnoreCase("json");
        }
        String accept = request.getHeader("Accept");
        if (accept == null) {
            return false;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        return lower.contains("application/json") && !lower.contains("yaml");
    }

    /** The request as Payara's YAML branch expects it. */
    private static final class AskingForYaml extends HttpServletRequestWrapper {

        AskingForYaml(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return "Accept".equalsIgnoreCase(name) ? PAYARA_YAML : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Accept".equalsIgnoreCase(name) ? Collections.enumeration(java.util.List.of(PAYARA_YAML)) : super.getHeaders(name);
        }
    }

    /** The answer with YAML's media type instead of text/plain. */
    private static final class LabelledYaml extends HttpServletResponseWrapper {

        LabelledYaml(HttpServletResponse response) {
            super(response);
        }

        private static String relabelled(String type) {
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith(PAYARA_YAML)) {
                return YAML + ";charset=UTF-8";
            }
            return type;
        }

        @Override
        public void setContentType(String type) {
            super.setContentType(relabelled(type));
        }

        @Override
        public void setHeader(String name, String value) {
            super.setHeader(name, "Content-Type".equalsIgnoreCase(name) ? relabelled(value) : value);
        }

        @Override
        public void addHeader(String name, String value) {
            super.addHeader(name, "Content-Type".equalsIgnoreCase(name) ? relabelled(value) : value);
        }
    }
}
