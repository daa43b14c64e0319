package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("outlook/authorizations")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
public class AuthorizationsResource {

    @Inject
    Caller caller;

    @Inject
    OutlookConnections connections;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start connecting an Outlook account: Microsoft's sign-in URL with a single-use state and PKCE")
    @APIResponse(responseCode = "201", description = "Open authorizationUrl in the browser before expiresAt")
    public Response start(@Valid AuthorizationRequest request) {
        return Response.status(Response.Status.CREATED).entity(connections.startAuthorization(caller, request)).build();
    }
}
