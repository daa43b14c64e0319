package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.UUID;

@Path("outlook/connections/{id}/shared-mailboxes")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
public class SharedMailboxesResource {

    @Inject
    Caller caller;

    @Inject
    SharedMailboxes sharedMailboxes;

    @Inject
    OutlookConnections connections;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a shared mailbox under this personal connection, after Microsoft confirms access with a probe")
    @APIResponse(responseCode = "201", description = "The new shared row, Never synced until its first sync; or the caller's"
            + " existing row for this mailbox, updated in place, when the mailbox was renamed or its address now holds a new mailbox")
    public Response add(@PathParam("id") @Parameter(description = "the personal connection's id", required = true, schema = @Schema(type = SchemaType.STRING, format = "uuid")) UUID parentId, SharedMailboxRequest request) {
        UUID id = sharedMailboxes.add(caller, parentId, request == null ? null : request.address);
        return Response.status(Response.Status.CREATED).entity(connections.get(caller, id)).build();
    }
}
