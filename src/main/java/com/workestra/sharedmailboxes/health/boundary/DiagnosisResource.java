package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.SharedMailboxesApi;
import com.workestra.sharedmailboxes.callers.entity.Caller;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.UUID;

@Path("outlook/connections/{id}/diagnose")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
@Produces(MediaType.APPLICATION_JSON)
public class DiagnosisResource {

    @Inject
    Caller caller;

    @Inject
    MailboxDiagnosis diagnosis;

    @POST
    @Operation(summary = "Check this mailbox: the sign-in refreshes, Full Access, what can be known of Send As, the"
            + " subscription at Microsoft and its expiry, the last delta round, throttling in the last hour; changes nothing, audited")
    @APIResponse(responseCode = "200", description = "`findings`: `[{check, status: ok|problem|unknown, sentence}]`;"
            + " 404 NOT_FOUND for a connection that is not the caller's")
    public MailboxDiagnosis.Diagnosis diagnose(@PathParam("id") @Parameter(description = "the connection's id", required = true,
            schema = @Schema(type = SchemaType.STRING, format = "uuid")) UUID id) {
        return diagnosis.diagnose(caller, id);
    }
}
