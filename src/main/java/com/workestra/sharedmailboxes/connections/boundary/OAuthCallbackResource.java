package com.workestra.sharedmailboxes.connections.boundary;

import com.workestra.sharedmailboxes.connections.control.SignInCookies;
import com.workestra.sharedmailboxes.connections.entity.SignInCookie;
import com.workestra.sharedmailboxes.connections.entity.SignInRefusal;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;

import java.util.UUID;

/**
 * Microsoft sends the browser back here (form_post, or a GET redirect). No JWT: the sign-in is found by its state and
 * completes only with the binding cookie that the answer of POST /outlook/authorizations gave the starting browser.
 */
@Path("outlook/callback")
@RequestScoped
@PermitAll
@SecurityRequirements
public class OAuthCallbackResource {

    static final String OUTCOMES = "303 to the sign-in's return URL with ?connection={id}, or with ?error={code}"
            + "&error_description={a sentence for the person}; nothing is stored on an error. Codes: BROWSER_MISMATCH (the"
            + " browser did not present the binding cookie of the browser that started the sign-in: someone else's"
            + " sign-in link, or a sign-in started outside this browser; the code is not redeemed and the sign-in cannot"
            + " be used again), TENANT_NOT_ALLOWED (the Microsoft account's tenant is not in outlook.allowed-tenants for"
            + " the workspace), STATE_INVALID (unknown or already used state; sent to outlook.default-return-url),"
            + " STATE_EXPIRED, CONSENT_DENIED, AUTHORIZATION_FAILED (Microsoft answered with another error or no code),"
            + " SIGN_IN_FAILED (the code could not be redeemed), OUTLOOK_NOT_CONFIGURED.";

    @Inject
    OutlookConnections connections;

    @Inject
    SignInCookies cookies;

    @Context
    HttpHeaders headers;

    @Context
    UriInfo uri;

    @GET
    @Operation(summary = "OAuth redirect from Microsoft (query); completes only in the browser that started the sign-in",
            description = OUTCOMES)
    @APIResponse(responseCode = "303", description = OUTCOMES, headers = {
            @Header(name = HttpHeaders.LOCATION, schema = @Schema(type = SchemaType.STRING), description = "the return URL with the outcome"),
            @Header(name = HttpHeaders.SET_COOKIE, schema = @Schema(type = SchemaType.STRING),
                    description = "clears the sign-in's binding cookie (Max-Age=0) when the browser presented it")})
    public Response redirected(@QueryParam("state") String state, @QueryParam("code") String code,
                               @QueryParam("error") String error) {
        return seeOther(state, code, error);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(summary = "OAuth redirect from Microsoft (form_post); completes only in the browser that started the sign-in",
            description = OUTCOMES)
    @APIResponse(responseCode = "303", description = OUTCOMES, headers = {
            @Header(name = HttpHeaders.LOCATION, schema = @Schema(type = SchemaType.STRING), description = "the return URL with the outcome"),
            @Header(name = HttpHeaders.SET_COOKIE, schema = @Schema(type = SchemaType.STRING),
                    description = "clears the sign-in's binding cookie (Max-Age=0) when the browser presented it")})
    public Response posted(@FormParam("state") String state, @FormParam("code") String code,
                           @FormParam("error") String error) {
        return seeOther(state, code, error);
    }

    @GET
    @Path("outcome")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Where a sign-in started without a returnUrl ends (outlook.default-return-url): a page that says"
            + " whether the Outlook account was connected, or why not")
    @APIResponse(responseCode = "200", description = "A short HTML page for the person in the browser")
    public Response outcome(@QueryParam("connection") String connection, @QueryParam("error") String error) {
        String heading;
        String text;
        if (error != null && !error.isBlank()) {
            heading = "Outlook was not connected";
            text = SignInRefusal.sentenceFor(error) + " (" + error + ")";
        } else if (connection != null && isUuid(connection)) {
            heading = "Outlook is connected";
            text = "Your Outlook account is connected (connection " + connection + "). Its first sync has started:"
                    + " GET /api/v1/outlook/connections/" + connection + " shows its health, and the console lists it.";
        } else {
            heading = "No Outlook sign-in to report";
            text = "This page shows the outcome of connecting Outlook. Start with Connect.";
        }
        String page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + heading
                + " · Workestra</title></head><body><h1>" + heading + "</h1><p>" + escape(text) + "</p>"
                + "<p><a href=\"/admin/outlook.xhtml\">Open Settings → Integrations → Outlook</a></p></body></html>";
        return Response.ok(page, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .header("Cache-Control", "no-store")
                .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .build();
    }

    private static boolean isUuid(String value) {
        try {
            return UUID.fromString(value).toString().equalsIgnoreCase(value);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private Response seeOther(String state, String code, String error) {
        String browserSecret = bindingPresented(state);
        OutlookConnections.Completion completion = connections.completeAuthorization(state, browserSecret, code, error);
        Response.ResponseBuilder answer = Response.seeOther(completion.returnTo())
                .header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer");
        if (browserSecret != null) {
            answer.header(HttpHeaders.SET_COOKIE, cookies.cleared(state, "https".equalsIgnoreCase(uri.getRequestUri().getScheme())).header());
        }
        return answer.build();
    }

    /** The secret of the binding cookie for this state, as this browser presents it; null without one. */
    private String bindingPresented(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        Cookie cookie = headers.getCookies().get(SignInCookie.nameFor(state));
        return cookie == null || cookie.getValue() == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
    }
}
