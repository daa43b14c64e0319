package com.workestra.sharedmailboxes.m365emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.MsalInteractionRequiredException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.SilentParameters;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class M365EmulatorIdentityTest {

    private static final Set<String> SHARED_SCOPES = Set.of("https://graph.microsoft.com/Mail.Read.Shared",
            "https://graph.microsoft.com/Mail.Send.Shared");

    private static M365Emulator emulator;
    private static EmulatorTestClients clients;

    @BeforeAll
    static void start() {
        emulator = M365Emulator.start(EmulatorSettings.defaults()
                .withAutoSignInWithLoginHint(true)
                .withAccessTokenLifetime(Duration.ofSeconds(3))
                .withApplicationPermissions(Set.of("Mail.Read")));
        clients = new EmulatorTestClients(emulator);
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static DirectoryUser newUser() {
        String name = "user-" + UUID.randomUUID().toString().substring(0, 8);
        return emulator.tenant().createUser(name + "@contoso.test", "User " + name);
    }

    @Test
    void discoveryIssuerEqualsTheAuthorityAndKeysVerifyTokens() throws Exception {
        JsonNode discovery = EmulatorTestClients.json(clients.get(emulator.authority() + "/.well-known/openid-configuration", Map.of()));
        assertEquals(emulator.authority(), discovery.get("issuer").asText());
        assertEquals(emulator.baseUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/token", discovery.get("token_endpoint").asText());
        JsonNode common = EmulatorTestClients.json(clients.get(emulator.baseUrl() + "/common/v2.0/.well-known/openid-configuration", Map.of()));
        assertEquals(emulator.baseUrl() + "/{tenantid}/v2.0", common.get("issuer").asText());

        JWKSet keys = JWKSet.parse(clients.get(discovery.get("jwks_uri").asText(), Map.of()).body());
        DirectoryUser user = newUser();
        IAuthenticationResult result = clients.signIn(clients.msal(), user.upn(), SHARED_SCOPES);
        RSASSAVerifier verifier = new RSASSAVerifier((RSAKey) keys.getKeys().get(0));
        SignedJWT idToken = SignedJWT.parse(result.idToken());
        SignedJWT accessToken = SignedJWT.parse(result.accessToken());
        assertTrue(idToken.verify(verifier));
        assertTrue(accessToken.verify(verifier));

        JWTClaimsSet id = idToken.getJWTClaimsSet();
        assertEquals(List.of(emulator.clientId()), id.getAudience());
        assertEquals(emulator.authority(), id.getIssuer());
        assertEquals(user.oid(), id.getStringClaim("oid"));
        assertEquals(user.upn(), id.getStringClaim("preferred_username"));
        assertEquals(user.displayName(), id.getStringClaim("name"));
        assertEquals(emulator.tenantId(), id.getStringClaim("tid"));
        assertEquals("2.0", id.getStringClaim("ver"));
        assertTrue(id.getStringClaim("nonce").startsWith("nonce-state-"), "the id_token echoes the nonce");

        JWTClaimsSet access = accessToken.getJWTClaimsSet();
        assertEquals(List.of("https://graph.microsoft.com"), access.getAudience());
        assertEquals("https://sts.windows.net/" + emulator.tenantId() + "/", access.getIssuer());
        assertEquals("Mail.Read.Shared Mail.Send.Shared openid profile", access.getStringClaim("scp"));
        assertEquals(emulator.clientId(), access.getStringClaim("appid"));
        assertEquals(user.upn(), access.getStringClaim("upn"));
        assertEquals(user.oid(), result.account().homeAccountId().split("\\.")[0]);
    }

    @Test
    void anAppRegistrationWithOptionalClaimsGetsTheUsersUpnAttributesAndGroupsInItsIdTokens() throws Exception {
        try (M365Emulator workestraIdp = M365Emulator.start(EmulatorSettings.defaults()
                .withAutoSignInWithLoginHint(true)
                .withIdTokenOptionalClaims(Set.of("upn", "wid", "groups")))) {
            EmulatorTestClients idpClients = new EmulatorTestClients(workestraIdp);
            DirectoryUser admin = workestraIdp.tenant().createUser("ada@workestra.test", "Ada");
            DirectoryUser plain = workestraIdp.tenant().createUser("bo@workestra.test", "Bo");
            workestraIdp.tenant().setDirectoryAttribute(admin.upn(), "wid", "w-acme");
            workestraIdp.tenant().setDirectoryAttribute(admin.upn(), "department", "not asked for");
            workestraIdp.tenant().setGroups(admin.upn(), List.of("member", "admin"));

            JWTClaimsSet ada = SignedJWT.parse(idpClients.signIn(idpClients.msal(), admin.upn(), Set.of()).idToken()).getJWTClaimsSet();
            assertEquals(admin.upn(), ada.getStringClaim("upn"));
            assertEquals("w-acme", ada.getStringClaim("wid"));
            assertEquals(List.of("member", "admin"), ada.getStringListClaim("groups"));
            assertNull(ada.getClaim("department"), "only the claims the app registration asks for");
            assertEquals(workestraIdp.idTokenSubject(admin.upn()), ada.getSubject());

            JWTClaimsSet bo = SignedJWT.parse(idpClients.signIn(idpClients.msal(), plain.upn(), Set.of()).idToken()).getJWTClaimsSet();
            assertEquals(plain.upn(), bo.getStringClaim("upn"));
            assertNull(bo.getClaim("wid"), "no attribute, no claim");
            assertNull(bo.getClaim("groups"));
            assertNotEquals(ada.getSubject(), bo.getSubject());
        }
        DirectoryUser user = newUser();
        JWTClaimsSet plainApp = SignedJWT.parse(clients.signIn(clients.msal(), user.upn(), SHARED_SCOPES).idToken()).getJWTClaimsSet();
        assertNull(plainApp.getClaim("upn"), "an app without optional claims gets none");
        assertNull(plainApp.getClaim("groups"));
    }

    @Test
    void signOutSendsTheBrowserBackToAnAllowedAddressOnly() {
        String logout = emulator.baseUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/logout";
        HttpResponse<String> back = clients.get(logout + "?post_logout_redirect_uri="
                + java.net.URLEncoder.encode("https://127.0.0.1:8181/admin/signed-out.xhtml", StandardCharsets.UTF_8), Map.of());
        assertEquals(302, back.statusCode());
        assertEquals("https://127.0.0.1:8181/admin/signed-out.xhtml", back.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> page = clients.get(logout + "?post_logout_redirect_uri="
                + java.net.URLEncoder.encode("http://evil.example/", StandardCharsets.UTF_8), Map.of());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("You signed out of your account"), page.body());
    }

    @Test
    void tokenResponseCarriesWhatMsalNeeds() {
        DirectoryUser user = newUser();
        EmulatorTestClients.Pkce pkce = EmulatorTestClients.Pkce.create();
        FormPostResponse answer = clients.authorize(clients.msal(), user.upn(), SHARED_SCOPES, pkce, "xyz");
        assertEquals(EmulatorTestClients.REDIRECT_URI, answer.action());
        assertEquals("xyz", answer.state());
        HttpResponse<String> response = clients.postForm(emulator.baseUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/token",
                Map.of("client_id", emulator.clientId(), "client_secret", emulator.clientSecret(),
                        "grant_type", "authorization_code", "code", answer.code(), "redirect_uri", EmulatorTestClients.REDIRECT_URI,
                        "code_verifier", pkce.verifier(), "client_info", "1",
                        "scope", "https://graph.microsoft.com/Mail.Read.Shared openid profile offline_access"));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode token = EmulatorTestClients.json(response);
        assertEquals("Bearer", token.get("token_type").asText());
        assertEquals(3, token.get("expires_in").asInt());
        assertEquals(3, token.get("ext_expires_in").asInt());
        assertEquals("https://graph.microsoft.com/Mail.Read.Shared https://graph.microsoft.com/Mail.Send.Shared openid profile",
                token.get("scope").asText());
        assertNotNull(token.get("refresh_token"));
        assertNotNull(token.get("id_token"));
        String clientInfo = new String(Base64.getUrlDecoder().decode(token.get("client_info").asText()), StandardCharsets.UTF_8);
        assertEquals("{\"uid\":\"" + user.oid() + "\",\"utid\":\"" + emulator.tenantId() + "\"}", clientInfo);
    }

    @Test
    void consentPolicyGrantsOnlyTheAllowedScopes() {
        DirectoryUser user = newUser();
        emulator.tenant().setConsentPolicy(user.upn(), Set.of("Mail.Read.Shared"));
        IAuthenticationResult result = clients.signIn(clients.msal(), user.upn(), SHARED_SCOPES);
        assertTrue(result.scopes().contains("https://graph.microsoft.com/Mail.Read.Shared"), result.scopes());
        assertFalse(result.scopes().contains("https://graph.microsoft.com/Mail.Send.Shared"), result.scopes());
    }

    @Test
    void refusedConsentRedirectsWithAccessDenied() {
        DirectoryUser user = newUser();
        emulator.tenant().refuseConsent(user.upn());
        FormPostResponse answer = clients.authorize(clients.msal(), user.upn(), SHARED_SCOPES,
                EmulatorTestClients.Pkce.create(), "s1");
        assertEquals("access_denied", answer.error());
        assertTrue(answer.errorDescription().startsWith("AADSTS65004:"), answer.errorDescription());
        assertEquals("s1", answer.state());
        assertNull(answer.code());
    }

    @Test
    void pkceMismatchIsInvalidGrant() {
        DirectoryUser user = newUser();
        EmulatorTestClients.Pkce pkce = EmulatorTestClients.Pkce.create();
        FormPostResponse answer = clients.authorize(clients.msal(), user.upn(), SHARED_SCOPES, pkce, "s");
        HttpResponse<String> response = redeemRaw(answer.code(), EmulatorTestClients.Pkce.create().verifier(),
                EmulatorTestClients.REDIRECT_URI);
        assertEquals(400, response.statusCode());
        JsonNode error = EmulatorTestClients.json(response);
        assertEquals("invalid_grant", error.get("error").asText());
        assertEquals(501481, error.get("error_codes").get(0).asInt());
        assertTrue(error.get("error_description").asText().startsWith("AADSTS501481: "));
        assertNotNull(error.get("trace_id"));
        assertNotNull(error.get("correlation_id"));
        assertNotNull(error.get("timestamp"));
    }

    @Test
    void codeIsSingleUseAndBoundToItsRedirectUri() {
        DirectoryUser user = newUser();
        EmulatorTestClients.Pkce pkce = EmulatorTestClients.Pkce.create();
        FormPostResponse answer = clients.authorize(clients.msal(), user.upn(), SHARED_SCOPES, pkce, "s");
        HttpResponse<String> wrongRedirect = redeemRaw(answer.code(), pkce.verifier(), "https://127.0.0.1:9999/other");
        assertEquals("invalid_client", EmulatorTestClients.json(wrongRedirect).get("error").asText());
        assertEquals(500112, EmulatorTestClients.json(wrongRedirect).get("error_codes").get(0).asInt());

        assertEquals(200, redeemRaw(answer.code(), pkce.verifier(), EmulatorTestClients.REDIRECT_URI).statusCode());
        HttpResponse<String> replay = redeemRaw(answer.code(), pkce.verifier(), EmulatorTestClients.REDIRECT_URI);
        assertEquals(400, replay.statusCode());
        JsonNode error = EmulatorTestClients.json(replay);
        assertEquals("invalid_grant", error.get("error").asText());
        assertEquals(54005, error.get("error_codes").get(0).asInt());
    }

    @Test
    void silentAcquisitionRefreshesAnExpiredTokenAndRotatesTheRefreshToken() throws Exception {
        DirectoryUser user = newUser();
        ConfidentialClientApplication app = clients.msal();
        IAuthenticationResult first = clients.signIn(app, user.upn(), SHARED_SCOPES);
        IAccount account = app.getAccounts().get().iterator().next();
        assertEquals(user.upn(), account.username());
        Thread.sleep(3100);
        IAuthenticationResult refreshed = app.acquireTokenSilently(SilentParameters.builder(SHARED_SCOPES, account).build()).get();
        assertNotEquals(first.accessToken(), refreshed.accessToken());
        assertEquals(200, clients.graphGet(refreshed.accessToken(), "/me/mailFolders/inbox/messages").statusCode());
        assertEquals(401, clients.graphGet(first.accessToken(), "/me/mailFolders/inbox/messages").statusCode());
    }

    @Test
    void revokedTokensNeedInteraction() throws Exception {
        DirectoryUser user = newUser();
        ConfidentialClientApplication app = clients.msal();
        IAuthenticationResult result = clients.signIn(app, user.upn(), SHARED_SCOPES);
        IAccount account = app.getAccounts().get().iterator().next();
        emulator.tenant().revokeTokens(user.upn());

        HttpResponse<String> graph = clients.graphGet(result.accessToken(), "/me/mailFolders/inbox/messages");
        assertEquals(401, graph.statusCode());
        assertEquals("InvalidAuthenticationToken", EmulatorTestClients.json(graph).get("error").get("code").asText());
        assertTrue(graph.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm=\"\""));

        ExecutionException failure = assertThrows(ExecutionException.class, () -> app.acquireTokenSilently(
                SilentParameters.builder(SHARED_SCOPES, account).forceRefresh(true).build()).get());
        MsalInteractionRequiredException interaction = assertInstanceOf(MsalInteractionRequiredException.class, failure.getCause());
        assertEquals("invalid_grant", interaction.errorCode());

        IAuthenticationResult again = clients.signIn(clients.msal(), user.upn(), SHARED_SCOPES);
        assertEquals(200, clients.graphGet(again.accessToken(), "/me/mailFolders/inbox/messages").statusCode());
    }

    @Test
    void clientCredentialsGiveAnAppOnlyTokenWithRoles() throws Exception {
        String token = clients.appOnlyToken();
        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
        assertEquals(List.of("Mail.Read"), claims.getStringListClaim("roles"));
        assertEquals("app", claims.getStringClaim("idtyp"));
        assertNull(claims.getStringClaim("scp"));
        assertEquals(emulator.clientId(), claims.getStringClaim("appid"));
    }

    @Test
    void wrongClientSecretIsInvalidClient() {
        HttpResponse<String> response = clients.postForm(emulator.baseUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/token",
                Map.of("client_id", emulator.clientId(), "client_secret", "wrong", "grant_type", "client_credentials",
                        "scope", "https://graph.microsoft.com/.default"));
        assertEquals(401, response.statusCode());
        JsonNode error = EmulatorTestClients.json(response);
        assertEquals("invalid_client", error.get("error").asText());
        assertEquals(7000215, error.get("error_codes").get(0).asInt());
    }

    @Test
    void sharedMailboxesAndDistributionListsCannotSignIn() {
        Mailbox shared = emulator.tenant().createSharedMailbox("desk-" + UUID.randomUUID().toString().substring(0, 6)
                + "@contoso.test", "Desk");
        HttpResponse<String> page = clients.get(authorizeUrl(shared.address()), Map.of());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("AADSTS50057"), page.body());
        assertFalse(page.body().contains("name=\"code\""));
    }

    @Test
    void signInPageEscapesWhatItEchoes() {
        M365Emulator demo = M365Emulator.start(EmulatorSettings.defaults());
        try {
            demo.tenant().createUser("<b>eve</b>@contoso.test", "Eve <script>alert(1)</script>");
            EmulatorTestClients demoClients = new EmulatorTestClients(demo);
            String url = demo.baseUrl() + "/" + demo.tenantId() + "/oauth2/v2.0/authorize?client_id=" + demo.clientId()
                    + "&response_type=code&redirect_uri=" + java.net.URLEncoder.encode(EmulatorTestClients.REDIRECT_URI, StandardCharsets.UTF_8)
                    + "&scope=openid&state=%22%3E%3Cscript%3E";
            HttpResponse<String> page = demoClients.get(url, Map.of());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Accept"));
            assertFalse(page.body().contains("<script>"), page.body());
            assertTrue(page.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        } finally {
            demo.close();
        }
    }

    @Test
    void serviceExceptionsCarryTheAadstsCode() {
        DirectoryUser user = newUser();
        ConfidentialClientApplication app = clients.msal();
        EmulatorTestClients.Pkce pkce = EmulatorTestClients.Pkce.create();
        FormPostResponse answer = clients.authorize(app, user.upn(), SHARED_SCOPES, pkce, "s");
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> clients.redeem(app, answer.code(), SHARED_SCOPES, "not-the-verifier"));
        MsalServiceException service = assertInstanceOf(MsalServiceException.class, failure.getCause());
        assertTrue(service.getMessage().contains("AADSTS501481"), service.getMessage());
    }

    private static String authorizeUrl(String loginHint) {
        return emulator.baseUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/authorize?client_id=" + emulator.clientId()
                + "&response_type=code&response_mode=form_post&scope=openid%20offline_access&redirect_uri="
                + java.net.URLEncoder.encode(EmulatorTestClients.REDIRECT_URI, StandardCharsets.UTF_8)
                + "&login_hint=" + java.net.URLEncoder.encode(loginHint, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> redeemRaw(String code, String verifier, String redirectUri) {
        return clients.postForm(emulator.baseUrl() + "/" + emulator.tenantId() + "/oauth2/v2.0/token",
                Map.of("client_id", emulator.clientId(), "client_secret", emulator.clientSecret(),
                        "grant_type", "authorization_code", "code", code, "redirect_uri", redirectUri,
                        "code_verifier", verifier, "scope", "https://graph.microsoft.com/Mail.Read.Shared openid offline_access"));
    }
}
