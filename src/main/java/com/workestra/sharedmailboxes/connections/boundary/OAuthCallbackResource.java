package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.notifications.boundary.PushDelivery;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;

/** Microsoft sends the browser back here (form_post, or a GET redirect); bound to the state, not to a JWT. */
@Path("outlook/callback")
@RequestScoped
@PermitAll
@SecurityRequirements
public class OAuthCallbackResource {

    @Inject
    OutlookConnections connections;

    @Inject
    PushDelivery delivery;

    @GET
    @Operation(summary = "OAuth redirect from Microsoft (query); 303 to the return URL with ?connection= or ?error=")
    public Response redirected(@QueryParam("state") String state, @QueryParam("code") String code,
                               @QueryParam("error") String error) {
        return seeOther(state, code, error);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "OAuth redirect from Microsoft (form_post); 303 to the return URL with ?connection= or ?error=")
    public Response posted(@FormParam("state") String state, @FormParam("code") String code,
                           @FormParam("error") String error) {
        return seeOther(state, code, error);
    }

    private Response seeOther(String state, String code, String error) {
        OutlookConnections.Completion completion = connections.completeAuthorization(state, code, error);
        if (completion.connectionId() != null) {
            delivery.setUp(completion.connectionId());
        }
        return Response.seeOther(completion.returnTo())
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .build();
    }
}
