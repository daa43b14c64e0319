package com.workestra.sharedmailboxes.graph.control;

import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;

/**
 * A download of content (Graph's {@code GET …/$value}, an attachment streamed to a reader) is bounded by the read
 * timeout between bytes, not by the call timeout: OkHttp's call timeout spans reading the whole body, so a large
 * attachment going to a slow reader would be cut off, though bytes keep arriving. The last interceptor of the Graph
 * clients sends such a request through a client of its own (same TLS trust, connect and read timeouts and connection
 * pool, no call timeout, no redirects: the SDK's handlers before this one still do those); every other request goes on
 * as it came. The calling call's own timeout ends when this answers, before the body is read.
 */
final class ContentWithoutCallTimeout implements Interceptor {

    private final OkHttpClient unbounded;

    ContentWithoutCallTimeout(OkHttpClient bounded) {
        OkHttpClient.Builder builder = bounded.newBuilder()
                .callTimeout(Duration.ZERO)
                .followRedirects(false)
                .followSslRedirects(false);
        builder.interceptors().clear();
        builder.networkInterceptors().clear();
        this.unbounded = builder.build();
    }

    static boolean isContent(Request request) {
        String path = request.url().encodedPath();
        return "GET".equals(request.method()) && (path.endsWith("/$value") || path.endsWith("/%24value"));
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        return isContent(request) ? unbounded.newCall(request).execute() : chain.proceed(request);
    }
}
