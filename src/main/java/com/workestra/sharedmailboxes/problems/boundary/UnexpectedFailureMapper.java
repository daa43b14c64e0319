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

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
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
            if (isDatabaseAway(cause)) {
                LOG.log(Level.WARNING, "a request failed: the database cannot be reached (" + cause + ")");
                return new ServiceExceptionMapper().toResponse(new ServiceException(ProblemCode.DATABASE_UNAVAILABLE,
                        "The service cannot reach its database right now. Try again in a moment.", Duration.ofSeconds(5), null));
            }
            if (cause.getCause() == cause || cause instanceof EJBException && cause.getCause() == null) {
                break;
            }
        }
        return internalError(exception);
    }

    /**
     * PostgreSQL is away (restarting, failed over, unreachable): a connection failure (SQLSTATE class 08), the server
     * shutting down or starting up (57P01 to 57P03). The caller may retry; nothing about the request was wrong.
     */
    static boolean isDatabaseAway(Throwable cause) {
        if (cause instanceof SQLTransientConnectionException || cause instanceof SQLNonTransientConnectionException) {
            return true;
        }
        if (cause instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03");
        }
        return false;
    }

    static Response internalError(Throwable exception) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "unexpected failure, incident " + incident, exception);
        return ProblemResponses.of(Problem.of(ProblemCode.INTERNAL_ERROR,
                "Something went wrong on our side. Incident " + incident + "."));
    }
}
