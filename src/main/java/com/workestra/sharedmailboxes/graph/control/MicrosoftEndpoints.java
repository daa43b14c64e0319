package com.workestra.sharedmailboxes.graph.control;

import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;

/**
 * Where Microsoft is and whom to trust there. Production defaults point at Microsoft; every endpoint, identity and
 * trust setting comes from configuration, so the service can also run against a stand-in identity provider and Graph.
 */
@ApplicationScoped
public class MicrosoftEndpoints {

    /** Which Microsoft cloud: global, usgov-high, usgov-dod, china. Moves the authority, Graph and scopes together. */
    @Inject
    @ConfigProperty(name = "outlook.cloud")
    String cloud;

    /** Overrides the cloud's authority (a single tenant, or a stand-in for Entra). */
    @Inject
    @ConfigProperty(name = "outlook.authority")
    Optional<String> authority;

    /** Overrides the cloud's Graph service root (a stand-in for Graph). */
    @Inject
    @ConfigProperty(name = "outlook.graph-base-url")
    Optional<String> graphBaseUrl;

    @Inject
    @ConfigProperty(name = "outlook.client-id")
    Optional<String> clientId;

    @Inject
    @ConfigProperty(name = "outlook.client-secret")
    Optional<String> clientSecret;

    @Inject
    @ConfigProperty(name = "outlook.trusted-certificate")
    Optional<String> trustedCertificate;

    @Inject
    @ConfigProperty(name = "outlook.scopes")
    String scopes;

    private volatile Trust trust;

    /**
     * An MSAL confidential client of this service's app registration at the given authority. An authority ending in
     * {@code /v2.0} is an OpenID Connect issuer (a single tenant, or a stand-in for Entra) and is used as such;
     * any other is an Entra authority ({@code https://login.microsoftonline.com/{tenant}/}).
     */
    public ConfidentialClientApplication.Builder msalClient(String authorityUrl, ExecutorService executor) {
        String trimmed = authorityUrl.trim().replaceAll("/+$", "");
        try {
            var builder = ConfidentialClientApplication.builder(clientId(), ClientCredentialFactory.createFromSecret(clientSecret()))
                    .sslSocketFactory(sslContext().getSocketFactory())
                    .executorService(executor);
            return trimmed.endsWith("/v2.0") ? builder.oidcAuthority(trimmed).instanceDiscovery(false) : builder.authority(trimmed + "/");
        } catch (MalformedURLException e) {
            throw new IllegalStateException("not an authority URL: " + authorityUrl, e);
        }
    }

    /** The configured cloud ({@code outlook.cloud}). */
    public NationalCloud cloud() {
        return NationalCloud.of(cloud);
    }

    /** The delegated sign-in's authority: {@code outlook.authority}, else the cloud's. */
    public String authority() {
        return authority.filter(value -> !value.isBlank()).orElseGet(() -> cloud().authority());
    }

    /** Graph's service root: {@code outlook.graph-base-url}, else the cloud's. */
    public String graphBaseUrl() {
        return graphBaseUrl.filter(value -> !value.isBlank()).orElseGet(() -> cloud().graphBaseUrl()).replaceAll("/+$", "");
    }

    public String graphHost() {
        return URI.create(graphBaseUrl()).getHost();
    }

    public String clientId() {
        return clientId.filter(id -> !id.isBlank()).orElseThrow(MicrosoftEndpoints::notConfigured);
    }

    public String clientSecret() {
        return clientSecret.filter(secret -> !secret.isBlank()).orElseThrow(MicrosoftEndpoints::notConfigured);
    }

    /** The delegated Graph scopes asked for at sign-in (MSAL adds openid, profile and offline_access itself). */
    public Set<String> delegatedScopes() {
        return new TreeSet<>(Arrays.asList(scopes.trim().split("\\s+")));
    }

    private static ServiceException notConfigured() {
        return new ServiceException(ProblemCode.OUTLOOK_NOT_CONFIGURED,
                "The Outlook integration is not configured on this server (outlook.client-id and outlook.client-secret).");
    }

    public SSLContext sslContext() {
        return trust().context();
    }

    public X509TrustManager trustManager() {
        return trust().manager();
    }

    private Trust trust() {
        Trust current = trust;
        if (current == null) {
            synchronized (this) {
                if (trust == null) {
                    trust = loadTrust(trustedCertificate.filter(path -> !path.isBlank()).map(Path::of).orElse(null));
                }
                current = trust;
            }
        }
        return current;
    }

    /**
     * TLS trust for calls to another identity provider (Workestra's own, for the console's sign-in): the JDK's
     * authorities plus, when given, the certificates in one extra PEM file. Same rules as {@code outlook.trusted-certificate}.
     */
    public static SSLContext sslContextTrusting(Path extraCertificate) {
        return loadTrust(extraCertificate).context();
    }

    /** The JDK's trusted authorities, plus one extra certificate when configured (a test identity provider). */
    static Trust loadTrust(Path extraCertificate) {
        try {
            TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            defaults.init((KeyStore) null);
            X509TrustManager jdk = firstX509(defaults.getTrustManagers());
            if (extraCertificate == null) {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[]{jdk}, null);
                return new Trust(context, jdk);
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (X509Certificate authority : jdk.getAcceptedIssuers()) {
                store.setCertificateEntry("jdk-" + index++, authority);
            }
            try (InputStream pem = Files.newInputStream(extraCertificate)) {
                for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
                    store.setCertificateEntry("extra-" + index++, certificate);
                }
            }
            TrustManagerFactory combined = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            combined.init(store);
            X509TrustManager manager = firstX509(combined.getTrustManagers());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[]{manager}, null);
            return new Trust(context, manager);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trusted certificate file " + extraCertificate, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("unusable trusted certificate file " + extraCertificate, e);
        }
    }

    private static X509TrustManager firstX509(TrustManager[] managers) {
        return Arrays.stream(managers).filter(X509TrustManager.class::isInstance).map(X509TrustManager.class::cast)
                .findFirst().orElseThrow();
    }

    record Trust(SSLContext context, X509TrustManager manager) {
    }
}
