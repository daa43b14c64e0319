package com.workestra.sharedmailboxes.messages.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.List;

@Path("mailboxes")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class MailboxesResource {

    @Inject
    Caller caller;

    @Inject
    Inbox inbox;

    @Inject
    MailActions actions;

    @GET
    @Operation(summary = "Every mailbox the caller has connected: the From dropdown and the inbox filter")
    public List<MailboxView> list() {
        return inbox.mailboxes(caller);
    }

    @GET
    @Path("{address}/signature")
    @Operation(summary = "The caller's signature for this mailbox")
    public SignatureView signature(@PathParam("address") String address) {
        return actions.signature(caller, address);
    }

    @PUT
    @Path("{address}/signature")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the caller's signature for this mailbox, appended to what they send and reply from it")
    public SignatureView changeSignature(@PathParam("address") String address, @Valid @NotNull SignatureInput input) {
        return actions.changeSignature(caller, address, input);
    }

    @DELETE
    @Path("{address}/signature")
    @Operation(summary = "Remove the caller's signature for this mailbox")
    @APIResponse(responseCode = "204", description = "Removed")
    public void removeSignature(@PathParam("address") String address) {
        actions.removeSignature(caller, address);
    }
}
