package com.workestra.sharedmailboxes;

import jakarta.annotation.security.DeclareRoles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.auth.LoginConfig;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

@ApplicationScoped
@ApplicationPath("api/v1")
@LoginConfig(authMethod = "MP-JWT")
@DeclareRoles({SharedMailboxesApi.MEMBER, SharedMailboxesApi.ADMIN})
@OpenAPIDefinition(
        info = @Info(title = "Workestra shared mailboxes", version = "1",
                description = "Connect Microsoft 365 personal and shared mailboxes to Workestra: read, reply and send as the shared address."),
        security = @SecurityRequirement(name = SharedMailboxesApi.BEARER))
@SecurityScheme(securitySchemeName = SharedMailboxesApi.BEARER, type = SecuritySchemeType.HTTP,
        scheme = "bearer", bearerFormat = "JWT",
        description = "A Workestra user token (MicroProfile JWT) with the claims sub, upn, wid and groups.")
public class SharedMailboxesApi extends Application {
    public static final String MEMBER = "member";
    public static final String ADMIN = "admin";
    public static final String BEARER = "workestraJwt";
}
