package com.workestra.sharedmailboxes.problems.boundary;

import com.workestra.sharedmailboxes.problems.entity.Problem;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.ejb.EJBException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything else. An unreadable body is the caller's mistake (400); anything unexpected is logged with an incident id
 * that the caller gets instead of the internal message.
 */
@Provider
public class UnexpectedFailureMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(UnexpectedFailureMapper.class.getName());

    @Override
    public Response toResponse(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof ServiceException service) {
                return new ServiceExceptionMapper().toResponse(service);
            }
            if (cause instanceof ConstraintViolationException invalid) {
                return new InvalidInputMapper().toResponse(invalid);
            }
            if (cause instanceof WebApplicationException web && cause != exception) {
                return new WebApplicationExceptionMapper().toResponse(web);
            }
            if (cause instanceof RequestTooLarge) {
                return ProblemResponses.of(Problem.of(ProblemCode.PAYLOAD_TOO_LARGE, cause.getMessage()));
            }
            if (cause instanceof JsonbException || cause instanceof JsonException) {
                LOG.log(Level.FINE, "unreadable request body", exception);
                return ProblemResponses.of(Problem.of(ProblemCode.MALFORMED_REQUEST, "The request body is not valid JSON for this resource."));
            }
            if (cause.getCause() == cause || cause instanceof EJBException && cause.getCause() == null) {
                break;
            }
        }
        return internalError(exception);
    }

    static Response internalError(Throwable exception) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "unexpected failure, incident " + incident, exception);
        return ProblemResponses.of(Problem.of(ProblemCode.INTERNAL_ERROR,
                "Something went wrong on our side. Incident " + incident + "."));
    }
}
