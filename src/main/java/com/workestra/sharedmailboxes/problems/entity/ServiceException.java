package com.workestra.sharedmailboxes.problems.entity;

import jakarta.ejb.ApplicationException;

import java.time.Duration;

/**
 * A refusal or failure a person can act on: a stable code and the sentence shown to them.
 * The detail is what the caller reads, so it never carries tokens, stack traces or internal messages.
 * An application exception: an enterprise bean rolls its transaction back and passes it on as it is, without logging
 * a person's mistake (someone else's id, a refused add) as a system failure with a stack trace.
 */
@ApplicationException(rollback = true)
public class ServiceException extends RuntimeException {

    private final ProblemCode code;
    private final String detail;
    private final Duration retryAfter;
    private java.util.List<Problem.FieldError> fieldErrors;

    public ServiceException(ProblemCode code, String detail) {
        this(code, detail, null, null);
    }

    public ServiceException(ProblemCode code, String detail, Duration retryAfter, Throwable cause) {
        super(code.name() + ": " + detail, cause, false, false);
        this.code = code;
        this.detail = detail;
        this.retryAfter = retryAfter;
    }

    /** A 400 naming the offending field of the request, as Bean Validation's failures do. */
    public static ServiceException invalidField(String field, String message) {
        ServiceException invalid = new ServiceException(ProblemCode.INVALID_REQUEST, message);
        invalid.fieldErrors = java.util.List.of(new Problem.FieldError(field, message));
        return invalid;
    }

    public ProblemCode code() {
        return code;
    }

    public String detail() {
        return detail;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The ServiceException behind a failure that came back wrapped (through the Graph SDK, a future), if any. */
    public static java.util.Optional<ServiceException> within(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ServiceException service) {
                return java.util.Optional.of(service);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return java.util.Optional.empty();
    }

    public Problem problem() {
        if (fieldErrors != null) {
            return Problem.invalid(detail, fieldErrors);
        }
        return Problem.of(code, detail);
    }
}
