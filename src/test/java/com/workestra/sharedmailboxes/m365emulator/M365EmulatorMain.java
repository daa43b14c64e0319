package com.workestra.sharedmailboxes.m365emulator;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator on its own, empty (the demo seeds it through the control API), with the sign-in and
 * consent page instead of automatic sign-in.
 * Arguments: [--port N] [--tenant ID] [--client-id ID] [--client-secret S] [--app-permissions Mail.Read,...]
 * [--certificate-out FILE] [--auto-sign-in]
 */
public final class M365EmulatorMain {

    private M365EmulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmulatorSettings settings = EmulatorSettings.defaults().withPort(8444);
        String clientId = settings.clientId();
        String clientSecret = settings.clientSecret();
        Path certificateOut = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> settings = settings.withPort(Integer.parseInt(value));
                case "--tenant" -> settings = settings.withTenantId(value);
                case "--client-id" -> clientId = value;
                case "--client-secret" -> clientSecret = value;
                case "--app-permissions" -> settings = settings.withApplicationPermissions(Set.of(value.split(",")));
                case "--certificate-out" -> certificateOut = Path.of(value);
                case "--auto-sign-in" -> {
                    settings = settings.withAutoSignInWithLoginHint(true);
                    i--;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            i++;
        }
        M365Emulator emulator = M365Emulator.start(settings.withClient(clientId, clientSecret));
        if (certificateOut != null) {
            emulator.writeCertificatePem(certificateOut);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(emulator::close));
        System.out.println("Microsoft 365 emulator on " + emulator.baseUrl());
        System.out.println("  authority:     " + emulator.authority());
        System.out.println("  Graph:         " + emulator.graphBaseUrl());
        System.out.println("  control API:   " + emulator.baseUrl() + "/_emulator/");
        System.out.println("  client id:     " + emulator.clientId());
        if (certificateOut != null) {
            System.out.println("  certificate:   " + certificateOut.toAbsolutePath());
        }
        new CountDownLatch(1).await();
    }
}
