package com.workestra.sharedmailboxes.graph.control;

import okhttp3.Interceptor;
import okhttp3.Response;
import com.workestra.sharedmailboxes.metrics.control.ServiceMetrics;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts what Microsoft Graph answered, every attempt included (it sits inside the SDK's retry handler):
 * {@code graph_errors_total{status,code}} by HTTP status and Graph error code (status 0 and code Unreachable when Graph
 * did not answer), and {@code graph_throttled_total} for each 429.
 */
final class GraphMetrics implements Interceptor {

    static final String ERRORS = "graph_errors_total";
    static final String THROTTLED = "graph_throttled_total";
    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_.\\-]{1,64})\"");
    private static final long PEEK_BYTES = 8192;

    private final ServiceMetrics metrics;

    GraphMetrics(ServiceMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response;
        try {
            response = chain.proceed(chain.request());
        } catch (IOException unreachable) {
            count(0, "Unreachable");
            throw unreachable;
        }
        if (response.code() >= 400) {
            count(response.code(), errorCode(response));
            if (response.code() == 429) {
                metrics.count(THROTTLED);
            }
        }
        return response;
    }

    private void count(int status, String code) {
        metrics.count(ERRORS, "status", String.valueOf(status), "code", code);
    }

    /** Graph's {@code error.code} (the first "code" of the body is the outer one), or "none". */
    static String errorCode(Response response) {
        try {
            String body = response.peekBody(PEEK_BYTES).string();
            Matcher matcher = CODE.matcher(body);
            return matcher.find() ? matcher.group(1) : "none";
        } catch (IOException | RuntimeException e) {
            return "none";
        }
    }
}
