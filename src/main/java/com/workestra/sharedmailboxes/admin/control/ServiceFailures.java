package com.workestra.sharedmailboxes.admin.control;

import com.workestra.sharedmailboxes.problems.entity.ServiceException;

import java.util.Optional;

/** The service's own refusal inside whatever the EJB container wrapped it in. */
public final class ServiceFailures {

    private ServiceFailures() {
    }

    public static Optional<ServiceException> of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ServiceException service) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }
}
