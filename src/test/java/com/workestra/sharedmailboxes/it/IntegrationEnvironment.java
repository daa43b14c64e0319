package com.workestra.sharedmailboxes.it;

import com.workestra.sharedmailboxes.localrun.EmbeddedDatabase;
import com.workestra.sharedmailboxes.localrun.WorkestraTokens;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.nio.file.Path;

/**
 * What the integration tests run against, started once per test JVM before Arquillian starts Payara Micro: a real
 * PostgreSQL on the port the build reserved (DB_PORT, also read by server-config/) and the Workestra token issuer whose
 * public key the service trusts. Inactive in unit-test runs, where {@code it.dir} is not set.
 */
public class IntegrationEnvironment implements LauncherSessionListener {

    private static EmbeddedDatabase database;
    private static WorkestraTokens tokens;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String itDir = System.getProperty("it.dir");
        if (itDir == null || database != null) {
            return;
        }
        Path dir = Path.of(itDir);
        database = EmbeddedDatabase.start(Integer.parseInt(System.getenv("DB_PORT")), dir.resolve("postgres"), false);
        tokens = WorkestraTokens.inDirectory(dir, System.getenv("MP_JWT_VERIFY_ISSUER"));
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (database != null) {
            database.close();
            database = null;
        }
    }

    public static WorkestraTokens tokens() {
        return tokens;
    }

    public static EmbeddedDatabase database() {
        return database;
    }
}
