package com.workestra.sharedmailboxes.callers.boundary;

import com.workestra.sharedmailboxes.callers.entity.Caller;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

@RequestScoped
public class CallerProducer {

    public static final String WORKSPACE_CLAIM = "wid";

    @Inject
    JsonWebToken token;

    @Produces
    public Caller caller() {
        if (token == null || token.getSubject() == null || token.getClaim(WORKSPACE_CLAIM) == null) {
            throw new ServiceException(ProblemCode.UNAUTHENTICATED, "A Workestra user token with sub and wid claims is required.");
        }
        Set<String> groups = token.getGroups() == null ? Set.of() : token.getGroups();
        return new Caller(token.getSubject(), claimText("upn"), claimText(WORKSPACE_CLAIM), groups);
    }

    private String claimText(String name) {
        Object value = token.getClaim(name);
        if (value == null) {
            return null;
        }
        return value instanceof JsonString text ? text.getString() : value.toString();
    }
}
