package com.workestra.sharedmailboxes.metrics.boundary;

import com.workestra.sharedmailboxes.metrics.control.ServiceMetrics;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /metrics} in Prometheus text, served by the application when the server does not serve it (no MicroProfile
 * Metrics). Registered at start only then, so that a server's own {@code /metrics} is never shadowed.
 */
public class MetricsServlet extends HttpServlet {

    private final transient ServiceMetrics metrics;

    MetricsServlet(ServiceMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain; version=0.0.4; charset=utf-8");
        response.getOutputStream().write(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the servlet when the application keeps its own registry. */
    @WebListener
    public static class Registration implements ServletContextListener {

        @Inject
        ServiceMetrics metrics;

        @Override
        public void contextInitialized(ServletContextEvent event) {
            if (metrics.scrape() != null) {
                event.getServletContext().addServlet("metrics", new MetricsServlet(metrics)).addMapping("/metrics");
            }
        }
    }
}
