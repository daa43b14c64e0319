package com.workestra.sharedmailboxes.connections.control;

import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.AuthorizationRequestUrlParameters;
import com.microsoft.aad.msal4j.ClaimsRequest;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.ITokenCacheAccessAspect;
import com.microsoft.aad.msal4j.ITokenCacheAccessContext;
import com.microsoft.aad.msal4j.MsalException;
import com.microsoft.aad.msal4j.MsalInteractionRequiredException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.Prompt;
import com.microsoft.aad.msal4j.ResponseMode;
import com.microsoft.aad.msal4j.SilentParameters;
import com.workestra.sharedmailboxes.connections.entity.MicrosoftAccount;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.graph.control.AccessTokens;
import com.workestra.sharedmailboxes.graph.control.GraphClients;
import com.workestra.sharedmailboxes.graph.control.MicrosoftEndpoints;
import com.workestra.sharedmailboxes.graph.control.TransactionWatch;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.StringReader;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The user's Microsoft sign-in through MSAL4J: the authorize URL (state, PKCE), redeeming the code, and fresh access
 * tokens for every Graph call with acquireTokenSilently, the token cache read and written through the token vault.
 */
@ApplicationScoped
public class OutlookSignIn {

    private static final Logger LOG = Logger.getLogger(OutlookSignIn.class.getName());
    public static final String RECONNECT_SENTENCE =
            "Your Outlook sign-in has expired or was revoked at Microsoft. Reconnect your Outlook account to resume syncing.";
    public static final String TOKENS_UNREADABLE_SENTENCE = "This server can no longer open your stored Outlook sign-in"
            + " (its encryption key is no longer configured). Reconnect your Outlook account to resume syncing.";

    @Inject
    MicrosoftEndpoints endpoints;

    /** MSAL calls the token cache aspect on its executor's threads: they must carry the container's context. */
    @Resource
    ManagedExecutorService executor;

    @Inject
    StoredTokens storedTokens;

    @Inject
    GraphClients clients;

    @Inject
    TransactionWatch transactions;

    @Inject
    @ConfigProperty(name = "service.public-base-url")
    String publicBaseUrl;

    @Inject
    @ConfigProperty(name = "outlook.token-timeout-seconds")
    int timeoutSeconds;

    @Inject
    @ConfigProperty(name = "outlook.cached-applications")
    int cachedApplications;

    private final Map<UUID, ConfidentialClientApplication> applications = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, ConfidentialClientApplication> eldest) {
                    return size() > cachedApplications;
                }
            });
    private final Map<UUID, Object> refreshLocks = new ConcurrentHashMap<>();
    private final Map<UUID, IssuedToken> issued = new ConcurrentHashMap<>();

    /** MSAL's own margin: a token with less left is refreshed rather than handed out. */
    private static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

    private record IssuedToken(String value, Instant expiresOn) {
    }

    public URI redirectUri() {
        return URI.create(publicBaseUrl.replaceAll("/+$", "") + "/api/v1/outlook/callback");
    }

    public String authorizationUrl(String state, String codeChallenge, String loginHint) {
        AuthorizationRequestUrlParameters.Builder parameters = AuthorizationRequestUrlParameters
                .builder(redirectUri().toString(), endpoints.delegatedScopes())
                .state(state)
                .codeChallenge(codeChallenge)
                .codeChallengeMethod("S256")
                .responseMode(ResponseMode.FORM_POST)
                .prompt(Prompt.SELECT_ACCOUNT);
        if (loginHint != null) {
            parameters.loginHint(loginHint);
        }
        return application(null).getAuthorizationRequestUrl(parameters.build()).toString();
    }

    /** Redeems an authorization code; the account and the serialized MSAL cache holding its tokens. */
    public Redemption redeem(String code, String codeVerifier) {
        ConfidentialClientApplication app = application(null);
        transactions.calling("MSAL authorization code redemption");
        try {
            IAuthenticationResult result = app.acquireToken(AuthorizationCodeParameters.builder(code, redirectUri())
                            .scopes(endpoints.delegatedScopes())
                            .codeVerifier(codeVerifier)
                            .build())
                    .get(timeoutSeconds, TimeUnit.SECONDS);
            return new Redemption(accountOf(result), app.tokenCache().serialize());
        } catch (ExecutionException | CompletionException e) {
            throw new SignInFailed(describe(e.getCause()));
        } catch (TimeoutException e) {
            throw new SignInFailed("timeout");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SignInFailed("interrupted");
        }
    }

    /**
     * A Graph client acting as the personal connection's Microsoft account (also for its shared rows), kept while the
     * account's grant stays the same.
     */
    public GraphServiceClient graphFor(OutlookConnection personal) {
        return graphFor(TokenHolder.of(personal));
    }

    public GraphServiceClient graphFor(TokenHolder holder) {
        return clients.kept(holder.id() + "|" + holder.oid() + "|" + String.join(" ", new TreeSet<>(holder.scopes())),
                () -> tokensFor(holder));
    }

    /** Graph tokens of a personal connection: the current access token, or a refreshed one after Graph refused it. */
    private AccessTokens tokensFor(TokenHolder personal) {
        return new AccessTokens() {
            @Override
            public String current() {
                return accessToken(personal);
            }

            @Override
            public String refreshed(String claims) {
                return refreshedAccessToken(personal, claims);
            }
        };
    }

    /**
     * A valid access token for the personal connection's Microsoft account: the one this server holds while it has more
     * than MSAL's five minutes left, else one MSAL hands out (refreshed when needed). An expired or revoked sign-in, or
     * stored tokens this server can no longer open, mark the connection RECONNECT_REQUIRED.
     */
    private String accessToken(TokenHolder personal) {
        IssuedToken token = issued.get(personal.id());
        if (token != null && token.expiresOn().isAfter(Instant.now().plus(REFRESH_MARGIN))) {
            return token.value();
        }
        return acquire(personal, false, null);
    }

    /**
     * A new access token from the refresh token, whatever MSAL holds: Graph refused the last one (401), for example
     * after the person's sessions were revoked. {@code claims} (JSON) answer a continuous-access-evaluation challenge.
     */
    private String refreshedAccessToken(TokenHolder personal, String claims) {
        issued.remove(personal.id());
        return acquire(personal, true, claims);
    }

    private String acquire(TokenHolder personal, boolean forceRefresh, String claims) {
        UUID id = personal.id();
        String homeAccountId = personal.oid() + "." + personal.tid();
        synchronized (refreshLocks.computeIfAbsent(id, key -> new Object())) {
            if (!forceRefresh) {
                IssuedToken held = issued.get(id);
                if (held != null && held.expiresOn().isAfter(Instant.now().plus(REFRESH_MARGIN))) {
                    return held.value();
                }
            }
            ConfidentialClientApplication app = applications.computeIfAbsent(id, this::application);
            transactions.calling("MSAL token for connection " + id);
            try {
                IAccount account = app.getAccounts().get(timeoutSeconds, TimeUnit.SECONDS).stream()
                        .filter(candidate -> homeAccountId.equals(candidate.homeAccountId()))
                        .findFirst()
                        .orElse(null);
                if (account == null) {
                    throw reconnectRequired(id, RECONNECT_SENTENCE);
                }
                SilentParameters.SilentParametersBuilder parameters = SilentParameters.builder(grantedScopes(personal.scopes()), account)
                        .forceRefresh(forceRefresh);
                if (claims != null && !claims.isBlank()) {
                    parameters.claims(ClaimsRequest.formatAsClaimsRequest(claims));
                }
                IAuthenticationResult result = app.acquireTokenSilently(parameters.build()).get(timeoutSeconds, TimeUnit.SECONDS);
                Instant expiresOn = result.expiresOnDate() == null ? Instant.now() : result.expiresOnDate().toInstant();
                issued.put(id, new IssuedToken(result.accessToken(), expiresOn));
                return result.accessToken();
            } catch (ExecutionException | CompletionException e) {
                Throwable cause = e.getCause();
                if (unreadableTokens(e)) {
                    LOG.warning(() -> "connection " + id + ": stored tokens cannot be opened on this server");
                    throw reconnectRequired(id, TOKENS_UNREADABLE_SENTENCE);
                }
                if (cause instanceof MsalInteractionRequiredException
                        || cause instanceof MsalServiceException service && "invalid_grant".equals(service.errorCode())) {
                    LOG.info(() -> "connection " + id + " needs a reconnect: " + describe(cause));
                    throw reconnectRequired(id, RECONNECT_SENTENCE);
                }
                LOG.log(Level.WARNING, "token refresh failed for connection " + id + ": " + describe(cause));
                throw new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE,
                        "Microsoft's sign-in service did not answer. Try again in a moment.");
            } catch (TokenVault.Unreadable e) {
                LOG.warning(() -> "connection " + id + ": stored tokens cannot be opened on this server");
                throw reconnectRequired(id, TOKENS_UNREADABLE_SENTENCE);
            } catch (TimeoutException e) {
                throw new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE,
                        "Microsoft's sign-in service did not answer in time. Try again in a moment.");
            } catch (MalformedURLException e) {
                throw new IllegalStateException("outlook.authority is not a URL", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE, "Interrupted while asking Microsoft for a token.");
            }
        }
    }

    /**
     * The delegated scopes to ask for when refreshing: those configured that this person actually granted. A connection
     * made before the .Shared scopes existed refreshes with what it has; asking for more fails at Microsoft (AADSTS65001).
     */
    Set<String> grantedScopes(Set<String> grantedScopes) {
        Set<String> granted = grantedScopes.stream().map(scope -> scope.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> configured = endpoints.delegatedScopes();
        Set<String> asked = configured.stream().filter(scope -> granted.contains(scope.toLowerCase(Locale.ROOT)))
                .collect(Collectors.toCollection(TreeSet::new));
        return asked.isEmpty() ? configured : asked;
    }

    private static boolean unreadableTokens(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TokenVault.Unreadable) {
                return true;
            }
        }
        return false;
    }

    /** Drops what this server keeps in memory for a connection (after disconnect or reconnect). */
    public void forget(UUID connectionId) {
        issued.remove(connectionId);
        applications.remove(connectionId);
        refreshLocks.remove(connectionId);
    }

    private ServiceException reconnectRequired(UUID connectionId, String sentence) {
        storedTokens.markReconnectRequired(connectionId, sentence);
        forget(connectionId);
        return new ServiceException(ProblemCode.RECONNECT_REQUIRED, sentence);
    }

    private ConfidentialClientApplication application(UUID connectionId) {
        var builder = endpoints.msalClient(endpoints.authority(), executor)
                .connectTimeoutForDefaultHttpClient(timeoutSeconds * 1000)
                .readTimeoutForDefaultHttpClient(timeoutSeconds * 1000);
        if (connectionId != null) {
            builder.setTokenCacheAccessAspect(new VaultedCache(connectionId));
        }
        return builder.build();
    }

    private static MicrosoftAccount accountOf(IAuthenticationResult result) {
        JsonObject claims = claims(result.idToken());
        String oid = claims.getString("oid", null);
        String tid = claims.getString("tid", null);
        String upn = claims.getString("preferred_username", result.account() == null ? null : result.account().username());
        if (oid == null || tid == null || upn == null) {
            throw new SignInFailed("id_token without oid, tid or preferred_username");
        }
        Set<String> granted = Arrays.stream(result.scopes().split("\\s+")).filter(s -> !s.isBlank()).collect(Collectors.toSet());
        return new MicrosoftAccount(oid, tid, upn, claims.getString("name", upn), granted);
    }

    private static JsonObject claims(String idToken) {
        if (idToken == null) {
            throw new SignInFailed("no id_token");
        }
        String[] parts = idToken.split("\\.");
        if (parts.length < 2) {
            throw new SignInFailed("malformed id_token");
        }
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        try (var reader = Json.createReader(new StringReader(payload))) {
            return reader.readObject();
        }
    }

    private static String describe(Throwable failure) {
        if (failure instanceof MsalServiceException service) {
            return service.errorCode() + " (HTTP " + service.statusCode() + ")";
        }
        if (failure instanceof MsalException msal) {
            return msal.errorCode();
        }
        return failure == null ? "unknown" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    public record Redemption(MicrosoftAccount account, String serializedCache) {
    }

    /** The code could not be redeemed; the reason is a short code for logs, never a token. */
    public static class SignInFailed extends RuntimeException {
        public SignInFailed(String reason) {
            super(reason, null, false, false);
        }
    }

    /** MSAL's cache for one connection, read from and written back to the token vault on every access. */
    private final class VaultedCache implements ITokenCacheAccessAspect {
        private final UUID connectionId;

        VaultedCache(UUID connectionId) {
            this.connectionId = connectionId;
        }

        @Override
        public void beforeCacheAccess(ITokenCacheAccessContext context) {
            String stored = storedTokens.load(connectionId);
            context.tokenCache().deserialize(stored == null ? "{}" : stored);
        }

        @Override
        public void afterCacheAccess(ITokenCacheAccessContext context) {
            if (context.hasCacheChanged()) {
                storedTokens.save(connectionId, context.tokenCache().serialize());
            }
        }
    }
}
