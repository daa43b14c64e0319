package com.workestra.sharedmailboxes.notifications.control;

import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The optional app-only identity (client credentials, application permission Mail.Read, ideally narrowed by an
 * Exchange application access policy). It only creates and maintains subscriptions on shared mailboxes, because
 * delegated subscriptions cannot cover them; it never reads or sends mail.
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

    @Inject
    @ConfigProperty(name = "outlook.app-only.scope")
    String scope;

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

    public boolean isConfigured() {
        return authority.filter(value -> !value.isBlank()).isPresent();
    }

    public String accessToken() {
        transactions.calling("MSAL app-only token");
        try {
            return application().acquireToken(ClientCredentialParameters.builder(Set.of(scope)).build())
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
