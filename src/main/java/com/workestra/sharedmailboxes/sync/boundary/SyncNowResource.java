package com.workestra.sharedmailboxes.sync.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.UUID;

@Path("outlook/connections/{id}/sync")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
public class SyncNowResource {

    @Inject
    Caller caller;

    @Inject
    SyncNow syncNow;

    @POST
    @Operation(summary = "Sync now: this connection's mailbox is synced as soon as a worker is free")
    @APIResponse(responseCode = "202", description = "Sync requested")
    public Response syncNow(@PathParam("id") @Parameter(description = "the connection's id", required = true,
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) UUID id) {
        syncNow.request(caller, id);
        return Response.accepted().build();
    }
}
