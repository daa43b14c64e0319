package com.workestra.sharedmailboxes.problems.boundary;

import com.workestra.sharedmailboxes.problems.entity.Problem;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The container's error page (web.xml): failures that never reach JAX-RS, such as a missing, expired or forged
 * token refused by the JWT mechanism, or a path outside the API, still answer problem+json. The console's pages
 * ({@code /admin/}) get an HTML page instead.
 */
@WebServlet("/problem")
public class ErrorPage extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int code = status instanceof Integer number ? number : HttpServletResponse.SC_NOT_FOUND;
        Object failedUri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        if (failedUri instanceof String uri && isConsole(request.getContextPath(), uri)) {
            ConsoleErrorPage.write(request, response, code);
            return;
        }
        ProblemCode problemCode = ProblemCode.forStatus(code);
        String detail = switch (problemCode) {
            case UNAUTHENTICATED -> "A valid Workestra user token is required: it is missing, expired, or not signed by a trusted issuer.";
            case FORBIDDEN -> "You are not allowed to do this.";
            case NOT_FOUND -> "There is nothing at this address.";
            case METHOD_NOT_ALLOWED -> "This method is not allowed here.";
            case PAYLOAD_TOO_LARGE -> "The request body is too large.";
            case INTERNAL_ERROR -> "Something went wrong on our side.";
            default -> problemCode.title() + ".";
        };
        Problem problem = new Problem(problemCode.type(), problemCode.title(), code, detail, problemCode.name(), null);
        response.setStatus(code);
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        if (code == HttpServletResponse.SC_UNAUTHORIZED && !response.containsHeader("WWW-Authenticate")) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.getOutputStream().write(problem.toJson().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isConsole(String contextPath, String uri) {
        String path = contextPath != null && uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri;
        return path.equals("/admin") || path.startsWith("/admin/");
    }
}
