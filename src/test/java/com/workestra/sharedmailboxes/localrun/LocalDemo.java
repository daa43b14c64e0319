package com.workestra.sharedmailboxes.localrun;

import com.workestra.sharedmailboxes.m365emulator.DirectoryUser;
import com.workestra.sharedmailboxes.m365emulator.EmulatorSettings;
import com.workestra.sharedmailboxes.m365emulator.M365Emulator;
import com.workestra.sharedmailboxes.m365emulator.Tenant;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local demo (mvn -Pdemo verify): a real PostgreSQL whose data stays in .local/, the Microsoft 365 emulator with a
 * seeded demo tenant, and the built WAR on Payara Micro, wired together through the same configuration production uses.
 * Prints the URLs and tokens a newcomer needs; Ctrl-C stops everything.
 */
public final class LocalDemo {

    static final String ISSUER = "https://id.workestra.local";
    static final int HTTP_PORT = intEnv("DEMO_HTTP_PORT", 8080);
    static final int HTTPS_PORT = intEnv("DEMO_HTTPS_PORT", 8181);
    static final int EMULATOR_PORT = intEnv("DEMO_EMULATOR_PORT", 8443);
    static final int IDP_PORT = intEnv("DEMO_IDP_PORT", 8444);
    static final String CONSOLE_CLIENT_ID = "5e0f3c2a-8d4b-4f6e-9a1c-2b3d4e5f6a70";
    static final String CONSOLE_CLIENT_SECRET = "demo-console-secret";
    static final int DB_PORT = intEnv("DEMO_DB_PORT", 54329);
    static final String DOMAIN = "contoso.example";

    private LocalDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(System.getProperty("demo.data", ".local")).toAbsolutePath();
        Path serverLibs = Path.of(System.getProperty("demo.server-libs", "target/server-libs")).toAbsolutePath();
        Path war = Path.of(System.getProperty("demo.war", "target/shared-mailboxes.war")).toAbsolutePath();
        Path postBoot = Path.of(System.getProperty("demo.postboot", "server-config/post-boot-commands.asadmin")).toAbsolutePath();
        Files.createDirectories(data);

        Map<String, String> env = new HashMap<>();
        EmbeddedDatabase database = null;
        if (System.getenv("DB_HOST") == null) {
            database = EmbeddedDatabase.start(DB_PORT, data.resolve("postgres"), true);
            env.putAll(Map.of("DB_HOST", "127.0.0.1", "DB_PORT", String.valueOf(database.port()), "DB_NAME", EmbeddedDatabase.DATABASE,
                    "DB_USER", EmbeddedDatabase.USER, "DB_PASSWORD", EmbeddedDatabase.PASSWORD));
        }

        WorkestraTokens tokens = null;
        if (System.getenv("MP_JWT_VERIFY_PUBLICKEY_LOCATION") == null) {
            tokens = WorkestraTokens.inDirectory(data.resolve("jwt"), ISSUER);
            env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", data.resolve("jwt").resolve(WorkestraTokens.PUBLIC_KEY_FILE).toUri().toString());
            env.put("MP_JWT_VERIFY_ISSUER", ISSUER);
            env.put("MP_JWT_VERIFY_AUDIENCES", WorkestraTokens.AUDIENCE);
        }

        M365Emulator emulator = M365Emulator.start(EmulatorSettings.defaults()
                .withPort(EMULATOR_PORT)
                .withApplicationPermissions(Set.of("Mail.Read"))
                .withAutoSignInWithLoginHint(false));
        Path certificate = data.resolve("emulator-certificate.pem");
        emulator.writeCertificatePem(certificate);
        DemoTenant demo = DemoTenant.seed(emulator.tenant());

        // Workestra's own identity provider for the console's sign-in: a second emulator instance with Workestra people
        // whose ID tokens carry upn, wid (workspace) and groups, like Workestra's user tokens.
        M365Emulator identityProvider = M365Emulator.start(EmulatorSettings.defaults()
                .withPort(IDP_PORT)
                .withClient(CONSOLE_CLIENT_ID, CONSOLE_CLIENT_SECRET)
                .withApplicationDisplayName("Workestra console")
                .withIdTokenOptionalClaims(Set.of("upn", "wid", "groups"))
                .withAutoSignInWithLoginHint(false));
        DemoPeople people = DemoPeople.seed(identityProvider);

        String publicBase = "https://localhost:" + HTTPS_PORT;
        env.put("CONSOLE_OIDC_ISSUER", identityProvider.authority());
        env.put("CONSOLE_OIDC_CLIENT_ID", CONSOLE_CLIENT_ID);
        env.put("CONSOLE_OIDC_CLIENT_SECRET", CONSOLE_CLIENT_SECRET);
        env.put("CONSOLE_OIDC_TRUSTED_CERTIFICATE", certificate.toString());
        env.put("OUTLOOK_AUTHORITY", emulator.authority());
        env.put("OUTLOOK_GRAPH_BASE_URL", emulator.graphBaseUrl());
        env.put("OUTLOOK_TRUSTED_CERTIFICATE", certificate.toString());
        env.put("OUTLOOK_CLIENT_ID", emulator.clientId());
        env.put("OUTLOOK_CLIENT_SECRET", emulator.clientSecret());
        env.put("OUTLOOK_APP_ONLY_AUTHORITY", emulator.authority());
        env.put("TOKEN_VAULT_KEYS", vaultKeys(data.resolve("token-vault-key")));
        env.put("SERVICE_PUBLIC_BASE_URL", publicBase);
        env.put("OUTLOOK_ALLOWED_RETURN_ORIGINS", "http://localhost:" + HTTP_PORT);

        boolean wildFly = "wildfly".equals(System.getProperty("demo.server"));
        String serverName = wildFly ? "WildFly" : "Payara Micro";
        Path serverLog = data.resolve(wildFly ? "wildfly.log" : "payara.log");
        ProcessBuilder launch = wildFly ? wildFly(war, serverLibs, serverLog) : new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Duser.timezone=UTC", "-Djakarta.json.provider=org.eclipse.parsson.JsonProviderImpl",
                "-jar", serverLibs.resolve("payara-micro.jar").toString(),
                "--nohazelcast", "--port", String.valueOf(HTTP_PORT), "--sslport", String.valueOf(HTTPS_PORT),
                "--addlibs", serverLibs.resolve("postgresql.jar").toString(),
                "--postbootcommandfile", postBoot.toString(),
                "--deploy", war.toString(), "--contextroot", "/"));
        launch.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(serverLog.toFile()));
        launch.environment().putAll(env);
        Process server = launch.start();

        EmbeddedDatabase db = database;
        ScheduledExecutorService newMail = Executors.newSingleThreadScheduledExecutor();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            newMail.shutdownNow();
            server.descendants().forEach(ProcessHandle::destroy);
            server.destroy();
            try {
                server.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            emulator.close();
            identityProvider.close();
            if (db != null) {
                db.close();
            }
        }));

        say("Starting " + serverName + " (log: " + serverLog + ") ...");
        String localBase = "http://localhost:" + HTTP_PORT;
        if (!awaitReady(localBase + "/health/ready", server)) {
            say("The service did not become ready; see " + serverLog);
            System.exit(1);
        }
        newMail.scheduleAtFixedRate(demo::newMailArrives, 30, 45, TimeUnit.SECONDS);

        StringBuilder out = new StringBuilder()
                .append("\n==== Workestra shared mailboxes: local demo ====\n")
                .append("Service (HTTP):   ").append(localBase).append('\n')
                .append("Service (HTTPS):  ").append(publicBase).append("   (self-signed; OAuth redirects and webhooks use it)\n")
                .append("Console:          ").append(publicBase).append("/admin/outlook.xhtml   (sign in as a Workestra person below;")
                .append(" admins also get ").append(publicBase).append("/admin/health.xhtml)\n")
                .append("OpenAPI:          ").append(localBase).append("/openapi\n")
                .append("Health:           ").append(localBase).append("/health\n")
                .append("Microsoft 365 emulator: ").append(emulator.baseUrl()).append("   (control API under /_emulator, e.g. GET /_emulator/directory)\n")
                .append("PostgreSQL data:  ").append(data.resolve("postgres")).append('\n')
                .append("\nMicrosoft accounts of the demo tenant (sign in at the emulator's page, no password):\n");
        demo.describe(out);
        out.append("\nWorkestra people (console sign-in at ").append(identityProvider.baseUrl()).append(", no password; the same people as the tokens below):\n")
                .append("  alice@acme.example and bob@acme.example (members of acme), carol@acme.example (admin of acme),")
                .append(" dave@globex.example (member of globex)\n");
        if (tokens != null) {
            out.append("\nWorkestra user tokens (Authorization: Bearer ...), valid 12 hours:\n");
            out.append("  alice (member, workspace acme):   ").append(tokens.member(people.subject("alice"), "alice@acme.example", "acme")).append('\n');
            out.append("  bob   (member, workspace acme):   ").append(tokens.member(people.subject("bob"), "bob@acme.example", "acme")).append('\n');
            out.append("  carol (admin,  workspace acme):   ").append(tokens.admin(people.subject("carol"), "carol@acme.example", "acme")).append('\n');
            out.append("  dave  (member, workspace globex): ").append(tokens.member(people.subject("dave"), "dave@globex.example", "globex")).append('\n');
        }
        out.append("\nTry: open the console, accept the three local certificates (service, Microsoft 365 emulator, identity provider;")
                .append(" see the README), sign in as alice@acme.example at Workestra's page (green),\n")
                .append("     click Connect and sign in as alice@").append(DOMAIN).append(" at Microsoft's page (blue), then Add shared mailbox support@")
                .append(DOMAIN).append(".\n")
                .append("     Or the API: set TOKEN to alice's token above (TOKEN=eyJ...), then\n")
                .append("     curl -H \"Authorization: Bearer $TOKEN\" ").append(localBase).append("/api/v1/outlook/connections\n")
                .append("     A sign-in completes only in the browser that started it (a cookie set by POST /api/v1/outlook/authorizations,\n")
                .append("     which the UI calls from that browser with credentials): one started with curl ends on ")
                .append(publicBase).append("/api/v1/outlook/callback/outcome\n")
                .append("     saying BROWSER_MISMATCH; one started in the browser without a returnUrl ends there saying it is connected.\n")
                .append("New mail arrives in support@").append(DOMAIN).append(" every 45 s. Ctrl-C stops everything.\n");
        System.out.println(out);
        server.waitFor();
    }

    /**
     * The same WAR on WildFly (mvn -Pdemo,wildfly verify): the distribution Maven unpacked, set up once by
     * server-config/wildfly.cli as an operator would, the WAR copied to its deployments.
     */
    private static ProcessBuilder wildFly(Path war, Path serverLibs, Path log) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("demo.wildfly-home")).toAbsolutePath();
        Path cli = Path.of(System.getProperty("demo.wildfly-cli", "server-config/wildfly.cli")).toAbsolutePath();
        if (!Files.readString(home.resolve("standalone/configuration/standalone.xml")).contains("java:/jdbc/sharedMailboxes")) {
            Process setup = new ProcessBuilder(home.resolve("bin/jboss-cli.sh").toString(), "--file=" + cli,
                    "-Dpostgresql.jar=" + serverLibs.resolve("postgresql.jar"),
                    "-Declipselink.dir=" + serverLibs.resolve("eclipselink")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (setup.waitFor() != 0) {
                throw new IllegalStateException("server-config/wildfly.cli failed; see " + log);
            }
        }
        Files.copy(war, home.resolve("standalone/deployments/shared-mailboxes.war"), StandardCopyOption.REPLACE_EXISTING);
        ProcessBuilder launch = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(), "-c", "standalone.xml",
                "-Djboss.bind.address=127.0.0.1", "-Djboss.http.port=" + HTTP_PORT, "-Djboss.https.port=" + HTTPS_PORT);
        launch.environment().put("JAVA_OPTS", "-Xms64m -Xmx768m -Duser.timezone=UTC -Djava.net.preferIPv4Stack=true");
        launch.environment().put("JBOSS_HOME", home.toString());
        return launch;
    }

    private static boolean awaitReady(String url, Process server) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline && server.isAlive()) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                // still booting
            }
            Thread.sleep(1000);
        }
        return false;
    }

    private static String vaultKeys(Path file) throws IOException {
        if (System.getenv("TOKEN_VAULT_KEYS") != null) {
            return System.getenv("TOKEN_VAULT_KEYS");
        }
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.writeString(file, "demo:" + Base64.getEncoder().encodeToString(key));
        }
        return Files.readString(file).trim();
    }

    private static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }

    /**
     * The demo tenant: two people, three shared mailboxes with different rights, a distribution list, mail in them.
     * Public so that DemoWalkBrowserIT walks the README against the very same tenant.
     */
    public record DemoTenant(Tenant tenant, Random random) {

        public static DemoTenant seed(Tenant tenant) {
            DirectoryUser alice = tenant.createUser("alice@" + DOMAIN, "Alice Archer");
            DirectoryUser bob = tenant.createUser("bob@" + DOMAIN, "Bob Baker");
            tenant.createUser("carol@" + DOMAIN, "Carol Chen");
            tenant.createSharedMailbox("support@" + DOMAIN, "Contoso Support");
            tenant.createSharedMailbox("sales@" + DOMAIN, "Contoso Sales");
            tenant.createSharedMailbox("careers@" + DOMAIN, "Contoso Careers");
            tenant.createDistributionList("all-staff@" + DOMAIN, "All staff");
            tenant.grantFullAccess("support@" + DOMAIN, alice.upn());
            tenant.grantSendAs("support@" + DOMAIN, alice.upn());
            tenant.grantFullAccess("support@" + DOMAIN, bob.upn());
            tenant.grantFullAccess("sales@" + DOMAIN, alice.upn());
            tenant.grantSendOnBehalf("sales@" + DOMAIN, alice.upn());
            tenant.grantFullAccess("careers@" + DOMAIN, bob.upn());
            tenant.grantSendAs("careers@" + DOMAIN, bob.upn());
            tenant.setConsentPolicy("carol@" + DOMAIN, Set.of("openid", "profile", "offline_access", "User.Read", "Mail.ReadWrite", "Mail.Send"));
            DemoTenant demo = new DemoTenant(tenant, new Random(7));
            String[][] mail = {
                    {"support", "jo@customer.example", "Order 1042 arrived damaged"},
                    {"support", "sam@customer.example", "How do I reset my password?"},
                    {"support", "lee@customer.example", "Invoice question"},
                    {"sales", "buyer@prospect.example", "Quote for 50 seats"},
                    {"sales", "cfo@prospect.example", "Re: pricing tiers"},
                    {"careers", "applicant@mail.example", "Application: backend engineer"},
                    {"careers", "referral@mail.example", "Referral for the designer role"},
            };
            for (String[] m : mail) {
                tenant.deliver(m[0] + "@" + DOMAIN, m[1], m[2], "Hello,\n\n" + m[2] + ".\n\nThanks");
            }
            tenant.deliver("alice@" + DOMAIN, "friend@mail.example", "Lunch on Friday?", "Are you free?");
            return demo;
        }

        void newMailArrives() {
            String[] subjects = {"Where is my parcel?", "Cannot log in", "Refund request", "Feature idea", "Thank you!"};
            tenant.deliver("support@" + DOMAIN, "customer" + random.nextInt(1000) + "@customer.example",
                    subjects[random.nextInt(subjects.length)], "Hello, I need help with my account.");
        }

        void describe(StringBuilder out) {
            out.append("  alice@").append(DOMAIN).append(": Full Access + Send As on support@, Full Access + Send on Behalf on sales@\n")
                    .append("  bob@").append(DOMAIN).append(":   Full Access on support@ (no Send As: sending is refused), Full Access + Send As on careers@\n")
                    .append("  carol@").append(DOMAIN).append(": consents without the .Shared scopes (a legacy connection)\n")
                    .append("  all-staff@").append(DOMAIN).append(" is a distribution list (no mailbox: adding it answers 404)\n");
        }
    }

    /** The Workestra people of the demo, at Workestra's identity provider: workspace (wid) and groups per person. */
    public record DemoPeople(M365Emulator identityProvider) {

        public static DemoPeople seed(M365Emulator identityProvider) {
            Tenant people = identityProvider.tenant();
            person(people, "alice@acme.example", "Alice Archer", "acme", List.of("member"));
            person(people, "bob@acme.example", "Bob Baker", "acme", List.of("member"));
            person(people, "carol@acme.example", "Carol Chen", "acme", List.of("member", "admin"));
            person(people, "dave@globex.example", "Dave Diaz", "globex", List.of("member"));
            return new DemoPeople(identityProvider);
        }

        private static void person(Tenant people, String login, String name, String workspace, List<String> groups) {
            people.createUser(login, name, java.util.UUID.nameUUIDFromBytes(login.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
            people.setDirectoryAttribute(login, "wid", workspace);
            people.setGroups(login, groups);
        }

        /** The user id the console sees for a person (the ID token's sub), so their API token names the same user. */
        public String subject(String name) {
            return identityProvider.idTokenSubject(name + "@" + (name.equals("dave") ? "globex.example" : "acme.example"));
        }
    }
}
