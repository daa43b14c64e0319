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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("outlook/authorizations")
@RequestScoped
@RolesAllowed({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
public class AuthorizationsResource {

    @Inject
    Caller caller;

    @Inject
    OutlookConnections connections;

    @Context
    UriInfo uri;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start connecting an Outlook account: Microsoft's sign-in URL with a single-use state and PKCE,"
            + " bound to the browser that asked",
            description = "Call it from the browser that will sign in at Microsoft, with credentials (fetch credentials:"
                    + " 'include'): the answer sets the cookie that binds the sign-in to that browser, and the callback"
                    + " completes only where the cookie comes back. A sign-in started elsewhere (curl, another browser)"
                    + " and finished in a browser ends with ?error=BROWSER_MISMATCH.")
    @APIResponse(responseCode = "201", description = "Open authorizationUrl in this same browser before expiresAt",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuthorizationStarted.class)),
            headers = @Header(name = HttpHeaders.SET_COOKIE, schema = @Schema(type = SchemaType.STRING),
                    description = "outlook_sign_in_<16 characters derived from the state>=<random secret>;"
                            + " Path=/api/v1/outlook/callback; Max-Age=<outlook.authorization-lifetime in seconds>; HttpOnly;"
                            + " Secure; SameSite=None. Over https only: Microsoft returns with a cross-site form POST, which"
                            + " carries no SameSite=Lax cookie. Over plain http: no Secure, SameSite=Lax. The service keeps"
                            + " only the secret's SHA-256."))
    public Response start(@Valid AuthorizationRequest request) {
        OutlookConnections.SignInStart started = connections.startAuthorization(caller, request,
                "https".equalsIgnoreCase(uri.getRequestUri().getScheme()));
        return Response.status(Response.Status.CREATED)
                .entity(started.answer())
                .header(HttpHeaders.SET_COOKIE, started.binding().header())
                .header("Cache-Control", "no-store")
                .build();
    }
}
