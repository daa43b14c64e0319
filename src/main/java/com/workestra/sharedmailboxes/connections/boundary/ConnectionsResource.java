package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.List;
import java.util.UUID;

@Path("outlook/connections")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionsResource {

    @Inject
    Caller caller;

    @Inject
    OutlookConnections connections;

    @GET
    @Operation(summary = "The caller's Outlook connections, shared mailboxes included")
    public List<ConnectionView> list() {
        return connections.list(caller);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One of the caller's connections")
    public ConnectionView get(@PathParam("id") @Parameter(description = "the connection's id", required = true, schema = @Schema(type = SchemaType.STRING, format = "uuid")) UUID id) {
        return connections.get(caller, id);
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Disconnect: removes the token and the row; a personal connection takes its shared mailboxes with it. History stays.")
    @APIResponse(responseCode = "204", description = "Disconnected")
    public void disconnect(@PathParam("id") @Parameter(description = "the connection's id", required = true, schema = @Schema(type = SchemaType.STRING, format = "uuid")) UUID id) {
        connections.disconnect(caller, id);
    }
}
