package com.workestra.sharedmailboxes.health.boundary;

import com.workestra.sharedmailboxes.connections.control.TokenVault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Not ready without the secrets the deployment must give: a server that cannot store a sign-in or verify a Workestra
 * token would otherwise fail only at the first connect, after Microsoft already redeemed the code. Names what is missing,
 * never a value.
 */
@Readiness
@ApplicationScoped
public class RequiredSettings implements HealthCheck {

    @Inject
    Config config;

    @Override
    public HealthCheckResponse call() {
        List<String> problems = problems();
        var response = HealthCheckResponse.named("settings").status(problems.isEmpty());
        if (!problems.isEmpty()) {
            response.withData("missing", String.join("; ", problems));
        }
        return response.build();
    }

    List<String> problems() {
        return problems(this::value);
    }

    static List<String> problems(Function<String, Optional<String>> settings) {
        List<String> problems = new ArrayList<>();
        String keys = settings.apply("token-vault.keys").orElse(null);
        String vault = TokenVault.problemWith(keys, settings.apply("token-vault.active-key-id").orElse(null));
        if (vault == null && keys != null && keys.replace(",", "").isBlank()) {
            // Set, but only separators (a template whose parts were all empty): still no key to seal a token with.
            vault = "token-vault.keys holds no key";
        }
        if (vault != null) {
            problems.add(vault);
        }
        if (settings.apply("mp.jwt.verify.publickey").isEmpty() && settings.apply("mp.jwt.verify.publickey.location").isEmpty()) {
            problems.add("mp.jwt.verify.publickey.location (or mp.jwt.verify.publickey) is not configured");
        }
        for (String key : List.of("mp.jwt.verify.issuer", "outlook.client-id", "outlook.client-secret")) {
            if (settings.apply(key).isEmpty()) {
                problems.add(key + " is not configured");
            }
        }
        return problems;
    }

    private Optional<String> value(String key) {
        return config.getOptionalValue(key, String.class).filter(value -> !value.isBlank());
    }
}
