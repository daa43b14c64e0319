package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.localrun.WorkestraTokens;
import com.workestra.sharedmailboxes.m365emulator.EmulatorSettings;
import com.workestra.sharedmailboxes.m365emulator.M365Emulator;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * What the integration tests run against, started once per test JVM before Arquillian starts Payara Micro: a real
 * PostgreSQL on the port the build reserved (DB_PORT, also read by server-config/), the Workestra token issuer whose
 * public key the service trusts, the Microsoft 365 emulator whose certificate the service is told to trust, and a
 * second emulator instance playing Workestra's identity provider for the console's OpenID Connect sign-in. Inactive in unit-test runs, where {@code it.dir} is not set.
 */
public class IntegrationEnvironment implements LauncherSessionListener {

    private static EmbeddedDatabase database;
    private static WorkestraTokens tokens;
    private static M365Emulator emulator;
    private static M365Emulator identityProvider;

    /**
     * Shorter than MSAL's five-minute refresh margin: every Graph call of the service refreshes. Tests that need the
     * refresh path give it to one user ({@code Tenant.setAccessTokenLifetime}); everyone else gets Microsoft's hour.
     */
    public static final Duration SHORT_ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(60);

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String itDir = System.getProperty("it.dir");
        if (itDir == null || database != null) {
            return;
        }
        Path dir = Path.of(itDir);
        database = EmbeddedDatabase.start(Integer.parseInt(System.getenv("DB_PORT")), dir.resolve("postgres"), false);
        tokens = WorkestraTokens.inDirectory(dir, System.getenv("MP_JWT_VERIFY_ISSUER"));
        emulator = M365Emulator.start(EmulatorSettings.defaults()
                .withPort(Integer.parseInt(System.getProperty("it.emulator.port")))
                .withTenantId(System.getProperty("it.tenant"))
                .withClient(System.getProperty("it.client.id"), System.getProperty("it.client.secret"))
                .withApplicationPermissions(Set.of("Mail.Read"))
                .withAutoSignInWithLoginHint(true));
        emulator.writeCertificatePem(dir.resolve("emulator-certificate.pem"));
        // Workestra's own identity provider (the console's sign-in): a second instance, its own tenant of Workestra
        // people, a real sign-in page, and ID tokens with the claims Workestra's user tokens carry (same certificate).
        identityProvider = M365Emulator.start(EmulatorSettings.defaults()
                .withPort(Integer.parseInt(System.getProperty("it.idp.port")))
                .withTenantId(System.getProperty("it.idp.tenant"))
                .withClient(System.getProperty("it.console.client.id"), System.getProperty("it.console.client.secret"))
                .withApplicationDisplayName("Workestra console")
                .withIdTokenOptionalClaims(Set.of("upn", "wid", "groups"))
                .withAutoSignInWithLoginHint(false));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (identityProvider != null) {
            identityProvider.close();
            identityProvider = null;
        }
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }

    public static WorkestraTokens tokens() {
        return tokens;
    }

    public static M365Emulator emulator() {
        return emulator;
    }

    /** Workestra's identity provider, where people sign in to the console. */
    public static M365Emulator identityProvider() {
        return identityProvider;
    }

    public static EmbeddedDatabase database() {
        return database;
    }
}
