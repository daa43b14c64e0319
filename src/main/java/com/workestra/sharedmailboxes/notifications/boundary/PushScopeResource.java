package com.workestra.sharedmailboxes.notifications.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.List;

/** Issue 19: the app-only identity's Exchange management scope, for workspace admins. */
@Path("admin/push-scope")
@RequestScoped
@RolesAllowed(SharedMailboxesApi.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class PushScopeResource {

    @Inject
    Caller caller;

    @Inject
    PushScope scope;

    @GET
    @Operation(summary = "The workspace's shared mailboxes (pushed, or polled and why), the Exchange Online PowerShell that"
            + " limits the app-only identity to them, and the last canary check")
    @APIResponse(responseCode = "200", description = "The mailboxes, the script's lines (command and purpose), the warning"
            + " about a tenant-wide Mail.Read consent, and the last check (null: Not checked). A 400 INVALID_REQUEST names the"
            + " field in `errors[].field`: `mailbox` (not one of the workspace's shared mailboxes), `group` or `canary` (not an"
            + " email address)")
    public PushScope.View get(
            @QueryParam("mailbox") @Parameter(description = "limit the scope to these shared mailboxes of the workspace (repeatable); default all of them") List<String> mailboxes,
            @QueryParam("group") @Parameter(description = "a mail-enabled group whose direct members make the scope, instead of the list") String group,
            @QueryParam("canary") @Parameter(description = "a mailbox that must stay outside the scope, for the script's last check") String canary) {
        return scope.view(caller, mailboxes, group, canary);
    }

    @POST
    @Path("canary")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Check the scope with the app-only identity: refused on the canary (Push scoped), allowed there"
            + " (Push unscoped), or the canary is one of the mailboxes that use push (proves nothing)")
    @APIResponse(responseCode = "200", description = "The verdict, in words, with its time. 400 INVALID_REQUEST: no app-only"
            + " identity is configured, or `canary` is not an email address, or none was named and no personal mailbox of the"
            + " workspace is connected")
    public PushScope.Check check(CanaryRequest request) {
        return scope.check(caller, request == null ? null : request.address);
    }

    /** Body of POST /admin/push-scope/canary: the mailbox that must stay outside the scope (default: a personal one). */
    public static class CanaryRequest {
        public String address;
    }
}
