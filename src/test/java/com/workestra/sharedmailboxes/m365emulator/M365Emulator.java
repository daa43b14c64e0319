package com.workestra.sharedmailboxes.m365emulator;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509TrustManager;

/**
 * A local stand-in for Microsoft Entra ID (v2.0 endpoints) and Microsoft Graph mail, served over HTTPS on
 * 127.0.0.1, faithful to Microsoft's documented paths, shapes, status codes, error codes and limits.
 * Test code only: never packaged in the WAR.
 */
public final class M365Emulator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(M365Emulator.class.getName());

    private final EmulatorSettings settings;
    private final EmulatorKeys keys;
    private final HttpsServer server;
    private final ExecutorService executor;
    private final Tenant tenant;
    private final ChangeNotifier notifier;
    private final String baseUrl;
    private final TokenService tokens;

    private M365Emulator(EmulatorSettings settings) throws IOException {
        this.settings = settings;
        this.keys = EmulatorKeys.shared();
        this.server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), settings.port()), 256);
        SSLContext serverContext = keys.serverSslContext();
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters parameters = serverContext.getDefaultSSLParameters();
                parameters.setNeedClientAuth(false);
                params.setSSLParameters(parameters);
            }
        });
        this.baseUrl = "https://127.0.0.1:" + server.getAddress().getPort();
        Clock clock = Clock.systemUTC();
        this.tenant = new Tenant(settings, clock);
        this.notifier = new ChangeNotifier(settings, tenant);
        tenant.listen(notifier);
        this.tokens = new TokenService(settings, keys);
        IdentityEndpoints identity = new IdentityEndpoints(settings, tenant, tokens, baseUrl);
        GraphEndpoints graph = new GraphEndpoints(tenant, tokens, new GraphThrottle(settings), baseUrl);
        graph.subscriptions(new SubscriptionEndpoints(settings, tenant, notifier, baseUrl));
        ControlEndpoints control = new ControlEndpoints(tenant);
        UploadSessionEndpoint uploads = new UploadSessionEndpoint(tenant, graph);
        server.createContext("/", exchange -> {
            HttpCall call = new HttpCall(exchange);
            try {
                if (call.path.startsWith("/v1.0/") || call.path.equals("/v1.0")) {
                    graph.handle(call);
                } else if (call.path.startsWith(UploadSessionEndpoint.PREFIX)) {
                    uploads.handle(call);
                } else if (call.path.startsWith("/_emulator/")) {
                    control.handle(call);
                } else if (!identity.handle(call)) {
                    call.respondJson(404, java.util.Map.of("error", "not_found", "error_description",
                            "The emulator serves no " + call.path));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "emulator failed on " + call.method + " " + call.path, e);
                if (!call.answered()) {
                    call.respondJson(500, java.util.Map.of("error", java.util.Map.of("code", "InternalServerError",
                            "message", String.valueOf(e))));
                }
            } finally {
                exchange.close();
            }
        });
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.serverThreads(), settings.serverThreads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "m365-emulator-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        server.setExecutor(executor);
        server.start();
    }

    /** Serves HTTPS on 127.0.0.1:settings.port() (0 picks a free port). */
    public static M365Emulator start(EmulatorSettings settings) {
        try {
            return new M365Emulator(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Microsoft 365 emulator on port " + settings.port(), e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** What MSAL4J's oidcAuthority(...) is given; equals the discovery document's issuer. */
    public String authority() {
        return baseUrl + "/" + settings.tenantId() + "/v2.0";
    }

    public String graphBaseUrl() {
        return baseUrl + "/v1.0";
    }

    public String tenantId() {
        return settings.tenantId();
    }

    public String clientId() {
        return settings.clientId();
    }

    public String clientSecret() {
        return settings.clientSecret();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public EmulatorSettings settings() {
        return settings;
    }

    public void writeCertificatePem(Path file) {
        keys.writeTlsCertificatePem(file);
    }

    public String certificatePem() {
        return keys.tlsCertificatePem();
    }

    /** Trusts the emulator's certificate: for test HTTP clients, MSAL4J and the Graph SDK. */
    public SSLContext clientSslContext() {
        return keys.clientSslContext();
    }

    public X509TrustManager clientTrustManager() {
        return keys.clientTrustManager();
    }

    public Tenant tenant() {
        return tenant;
    }

    /** The {@code sub} claim this emulator's ID tokens carry for a user (pairwise per user and application, as Entra's). */
    public String idTokenSubject(String userUpnOrOid) {
        Recipient user = tenant.find(userUpnOrOid);
        if (user == null || user.kind != RecipientKind.USER) {
            throw new IllegalArgumentException("no user " + userUpnOrOid);
        }
        return tokens.idTokenSubject(user);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        notifier.close();
    }
}
