package com.workestra.sharedmailboxes.notifications.control;

import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.workestra.sharedmailboxes.graph.control.AccessTokens;
import com.workestra.sharedmailboxes.graph.control.GraphClients;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
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
import jakarta.json.JsonReader;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The optional app-only identity (client credentials, "Application Mail.Read" assigned in Exchange Online with a
 * management scope: RBAC for Applications). It creates and maintains subscriptions on shared mailboxes, because
 * delegated subscriptions cannot cover them, and checks whether it may open a mailbox's Inbox folder (the scope's canary:
 * the folder's id only); it never reads or sends mail.
 */
@ApplicationScoped
public class AppOnlyIdentity {

    private static final Logger LOG = Logger.getLogger(AppOnlyIdentity.class.getName());

    @Inject
    MicrosoftEndpoints endpoints;

    @Resource
    ManagedExecutorService executor;

    /** The tenant-specific authority for client credentials; app-only push is off while it is not set. */
    @Inject
    @ConfigProperty(name = "outlook.app-only.authority")
    Optional<String> authority;

    /** Overrides the cloud's {@code <graph>/.default}. */
    @Inject
    @ConfigProperty(name = "outlook.app-only.scope")
    Optional<String> scope;

    @Inject
    @ConfigProperty(name = "outlook.token-timeout-seconds")
    int timeoutSeconds;

    @Inject
    GraphClients clients;

    @Inject
    TransactionWatch transactions;

    private volatile ConfidentialClientApplication application;

    /** A Graph client acting as the app-only identity (MSAL keeps its token until shortly before it expires). */
    public GraphServiceClient graph() {
        return clients.kept("app-only", () -> AccessTokens.fixed(this::accessToken));
    }

    /**
     * Whether Microsoft lets this identity open the mailbox's Inbox folder (only its id is asked for): true when allowed,
     * false when refused (403: outside the app's management scope, "Access to OData is disabled."). Anything else is
     * thrown: it says nothing about the scope.
     */
    public boolean mayRead(String address) {
        transactions.calling("Graph app-only scope check");
        try {
            graph().users().byUserId(address).mailFolders().byMailFolderId("inbox")
                    .get(request -> request.queryParameters.select = new String[]{"id"});
            return true;
        } catch (RuntimeException e) {
            GraphFailure failure = GraphFailure.of(e);
            if (failure != null && failure.status() == 403) {
                return false;
            }
            throw e;
        }
    }

    /** The app registration's client id (what Exchange's {@code -App} and {@code -AppId} take). */
    public String clientId() {
        return endpoints.clientId();
    }

    /**
     * The object id of the app's service principal (enterprise application) in this tenant: the {@code oid} claim of its
     * app-only access token. Null when no token can be had or it carries none.
     */
    public String servicePrincipalObjectId() {
        try {
            String[] parts = accessToken().split("\\.");
            if (parts.length < 2) {
                return null;
            }
            byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
            try (JsonReader reader = Json.createReader(new ByteArrayInputStream(payload))) {
                JsonObject claims = reader.readObject();
                return claims.containsKey("oid") ? claims.getString("oid", null) : null;
            }
        } catch (RuntimeException e) {
            LOG.info(() -> "the service principal's object id is not known: " + e.getClass().getSimpleName());
            return null;
        }
    }

    public boolean isConfigured() {
        return authority.filter(value -> !value.isBlank()).isPresent();
    }

    public String accessToken() {
        transactions.calling("MSAL app-only token");
        try {
            return application().acquireToken(ClientCredentialParameters.builder(Set.of(scope())).build())
                    .get(timeoutSeconds, TimeUnit.SECONDS).accessToken();
        } catch (ExecutionException e) {
            LOG.warning(() -> "app-only token request failed: " + e.getCause().getClass().getSimpleName());
            throw new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE, "The app-only identity could not get a token.");
        } catch (TimeoutException e) {
            throw new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE, "The app-only identity's token request timed out.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE, "Interrupted.");
        }
    }

    /** {@code outlook.app-only.scope}, else {@code .default} of the configured cloud's Graph. */
    String scope() {
        return scope.filter(value -> !value.isBlank()).orElseGet(() -> endpoints.cloud().appOnlyScope());
    }

    private ConfidentialClientApplication application() {
        if (application == null) {
            synchronized (this) {
                if (application == null) {
                    application = endpoints.msalClient(authority.orElseThrow(), executor).build();
                }
            }
        }
        return application;
    }
}
