package com.workestra.sharedmailboxes.problems.boundary;

import com.workestra.sharedmailboxes.problems.entity.Problem;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.logging.Level;
import java.util.logging.Logger;

/** Framework refusals (unknown path, wrong method or media type, missing role) as problem+json; a client's mistake is no ERROR. */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    private static final Logger LOG = Logger.getLogger(WebApplicationExceptionMapper.class.getName());

    @Override
    public Response toResponse(WebApplicationException exception) {
        int status = exception.getResponse().getStatus();
        if (status >= 500) {
            return UnexpectedFailureMapper.internalError(exception);
        }
        LOG.log(Level.FINE, "client error {0}", status);
        ProblemCode code = ProblemCode.forStatus(status);
        String detail = switch (code) {
            case NOT_FOUND -> "There is nothing at this address.";
            case METHOD_NOT_ALLOWED -> "This method is not allowed here.";
            case UNSUPPORTED_MEDIA_TYPE -> "Send the request body as application/json.";
            case NOT_ACCEPTABLE -> "This resource answers with application/json.";
            case FORBIDDEN -> "You are not allowed to do this.";
            case UNAUTHENTICATED -> "A valid Workestra user token is required.";
            case MALFORMED_REQUEST, INVALID_REQUEST -> "The request could not be read.";
            default -> code.title() + ".";
        };
        Response.ResponseBuilder response = Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(code, detail));
        exception.getResponse().getHeaders().forEach((name, values) -> {
            if (name.equalsIgnoreCase("Allow") || name.equalsIgnoreCase("WWW-Authenticate")) {
                values.forEach(value -> response.header(name, value));
            }
        });
        return response.build();
    }
}
