package com.workestra.sharedmailboxes.sync.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.util.UUID;

@Path("outlook/connections/{id}/folders")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class ConnectionFoldersResource {

    @Inject
    Caller caller;

    @Inject
    ConnectionFolders folders;

    @GET
    @Operation(summary = "The folders of this connection's mailbox (as last listed at Microsoft) and which ones it syncs;"
            + " by default every mail folder except Deleted Items, Junk Email and Drafts. 404 for a connection that is not"
            + " the caller's")
    public FolderChoices get(@PathParam("id") @Parameter(description = "the connection's id", required = true,
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) UUID id) {
        return folders.of(caller, id);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Choose the folders this connection syncs (exactly those listed; folders that appear later follow"
            + " the default). A deselected folder stops syncing; what was synced from it stays readable as it was."
            + " A folder value the mailbox does not have: 404. Asks for a sync")
    public FolderChoices put(@PathParam("id") @Parameter(description = "the connection's id", required = true,
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) UUID id, FolderChoices.Selection selection) {
        return folders.choose(caller, id, selection);
    }
}
