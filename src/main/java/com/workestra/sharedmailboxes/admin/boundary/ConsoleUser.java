package com.workestra.sharedmailboxes.admin.boundary;

import com.workestra.sharedmailboxes.callers.boundary.WorkestraAuthentication;
import com.workestra.sharedmailboxes.callers.control.ConsoleSignIn;
import com.workestra.sharedmailboxes.callers.entity.ConsolePrincipal;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.security.Principal;

/** Who is signed in to the console, what the header shows for them, and Sign out. */
@Named("me")
@RequestScoped
public class ConsoleUser {

    @Inject
    SecurityContext security;

    @Inject
    ConsoleSignIn signIn;

    public boolean isSignedIn() {
        return security.getCallerPrincipal() instanceof ConsolePrincipal;
    }

    public String getName() {
        Principal principal = security.getCallerPrincipal();
        return principal instanceof ConsolePrincipal console ? console.shownName() : "";
    }

    public String getLogin() {
        Principal principal = security.getCallerPrincipal();
        return principal == null ? "" : principal.getName();
    }

    public boolean isAdmin() {
        return security.isCallerInRole("admin");
    }

    public String getProjectStage() {
        return FacesContext.getCurrentInstance().getApplication().getProjectStage().name();
    }

    /** Ends the console session here, then at the identity provider when it offers that. */
    public void signOut() throws IOException, ServletException {
        ExternalContext external = FacesContext.getCurrentInstance().getExternalContext();
        HttpServletRequest request = (HttpServletRequest) external.getRequest();
        String next = signIn.signOutUrl();
        request.logout();
        WorkestraAuthentication.forget(request);
        external.redirect(next);
    }
}
