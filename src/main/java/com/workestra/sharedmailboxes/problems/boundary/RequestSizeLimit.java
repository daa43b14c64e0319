package com.workestra.sharedmailboxes.problems.boundary;

import com.workestra.sharedmailboxes.problems.entity.Problem;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Refuses request bodies over {@code api.max-body-bytes} ({@code api.max-upload-bytes} for {@code multipart/form-data},
 * the way files come), declared or streamed, before anything parses them.
 */
@WebFilter(urlPatterns = "/api/*", asyncSupported = true)
public class RequestSizeLimit extends HttpFilter {

    @Inject
    @ConfigProperty(name = "api.max-body-bytes")
    long maxBodyBytes;

    @Inject
    @ConfigProperty(name = "api.max-upload-bytes")
    long maxUploadBytes;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String contentType = request.getContentType();
        long limit = contentType != null && contentType.regionMatches(true, 0, "multipart/form-data", 0, 19)
                ? maxUploadBytes : maxBodyBytes;
        if (request.getContentLengthLong() > limit) {
            drain(request, limit);
            Problem problem = Problem.of(ProblemCode.PAYLOAD_TOO_LARGE, "The request body is larger than " + limit + " bytes.");
            response.setStatus(problem.status());
            response.setContentType(Problem.MEDIA_TYPE);
            response.getOutputStream().write(problem.toJson().getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request.getContentLengthLong() < 0 ? new Limited(request, limit) : request, response);
    }

    /**
     * Reads and discards a refused body, up to a bound, so that ordinary clients that send the whole body before
     * reading the answer get the 413 instead of a broken connection.
     */
    private void drain(HttpServletRequest request, long limit) {
        long budget = Math.max(limit * 4, 8L << 20);
        byte[] buffer = new byte[64 * 1024];
        try {
            var in = request.getInputStream();
            int n;
            while (budget > 0 && (n = in.read(buffer)) >= 0) {
                budget -= n;
            }
        } catch (IOException ignored) {
            // the client went away: nothing to answer
        }
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream limited;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (limited == null) {
                limited = new CountingInput(super.getInputStream(), limit);
            }
            return limited;
        }
    }

    private static final class CountingInput extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        CountingInput(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws RequestTooLarge {
            read += n;
            if (read > limit) {
                throw new RequestTooLarge(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
