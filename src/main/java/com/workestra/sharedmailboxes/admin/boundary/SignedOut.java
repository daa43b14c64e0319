package com.workestra.sharedmailboxes.admin.boundary;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Named;

/** The page after signing out, or after a sign-in that did not work: what happened, in words. */
@Named("signedOut")
@RequestScoped
public class SignedOut {

    public String getMessage() {
        String reason = FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("reason");
        if (reason == null) {
            return "You are signed out of the Workestra console.";
        }
        return switch (reason) {
            case "SIGN_IN_CANCELLED" -> "You cancelled the sign-in.";
            case "SIGN_IN_EXPIRED" -> "The sign-in took too long or was already used. Sign in again.";
            case "NO_WORKSPACE" -> "Your account does not belong to a Workestra workspace, so the console has nothing to show you.";
            default -> "The sign-in did not work. Try again in a moment.";
        };
    }

    public boolean isProblem() {
        return FacesContext.getCurrentInstance().getExternalContext().getRequestParameterMap().get("reason") != null;
    }
}
