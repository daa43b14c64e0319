package com.workestra.sharedmailboxes.callers.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.callers.entity.ConsolePrincipal;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.security.enterprise.SecurityContext;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.security.Principal;
import java.util.Set;

/**
 * The caller of this request, from whichever way it signed in: the API's verified JWT or the console's session. Both
 * carry the same claims, so one person is one caller in both.
 */
@RequestScoped
public class CallerProducer {

    public static final String WORKSPACE_CLAIM = "wid";

    @Inject
    SecurityContext security;

    @Produces
    public Caller caller() {
        Principal principal = security.getCallerPrincipal();
        if (principal instanceof ConsolePrincipal console) {
            return console.caller();
        }
        if (principal instanceof JsonWebToken token && token.getSubject() != null && token.getClaim(WORKSPACE_CLAIM) != null) {
            Set<String> groups = token.getGroups() == null ? Set.of() : token.getGroups();
            return new Caller(token.getSubject(), claimText(token, "upn"), claimText(token, WORKSPACE_CLAIM), groups);
        }
        throw new ServiceException(ProblemCode.UNAUTHENTICATED, "A Workestra user token with sub and wid claims is required.");
    }

    private static String claimText(JsonWebToken token, String name) {
        Object value = token.getClaim(name);
        if (value == null) {
            return null;
        }
        return value instanceof JsonString text ? text.getString() : value.toString();
    }
}
