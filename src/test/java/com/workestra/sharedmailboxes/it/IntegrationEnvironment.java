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
 * public key the service trusts, and the Microsoft 365 emulator whose certificate the service is told to trust. Inactive in unit-test runs, where {@code it.dir} is not set.
 */
public class IntegrationEnvironment implements LauncherSessionListener {

    private static EmbeddedDatabase database;
    private static WorkestraTokens tokens;
    private static M365Emulator emulator;

    /** Shorter than MSAL's five-minute refresh margin: every Graph call of the service runs the refresh path. */
    public static final Duration ACCESS_TOKEN_LIFETIME = Duration.ofSeconds(60);

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
                .withAccessTokenLifetime(ACCESS_TOKEN_LIFETIME)
                .withAutoSignInWithLoginHint(true));
        emulator.writeCertificatePem(dir.resolve("emulator-certificate.pem"));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
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

    public static EmbeddedDatabase database() {
        return database;
    }
}
