package com.workestra.sharedmailboxes.health.boundary;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequiredSettingsTest {

    static final String KEY = "k1:" + Base64.getEncoder().encodeToString(new byte[32]);

    static Map<String, String> complete() {
        Map<String, String> settings = new HashMap<>();
        settings.put("token-vault.keys", KEY);
        settings.put("mp.jwt.verify.publickey.location", "file:/keys/workestra.pem");
        settings.put("mp.jwt.verify.issuer", "https://id.workestra.test");
        settings.put("outlook.client-id", "client");
        settings.put("outlook.client-secret", "secret");
        return settings;
    }

    static List<String> problems(Map<String, String> settings) {
        return RequiredSettings.problems(key -> Optional.ofNullable(settings.get(key)));
    }

    @Test
    void aServerWithEverySecretHasNothingToReport() {
        assertEquals(List.of(), problems(complete()));
    }

    @Test
    void eachMissingSecretIsNamedAndNoValueIsShown() {
        Map<String, String> settings = complete();
        settings.remove("token-vault.keys");
        settings.remove("mp.jwt.verify.publickey.location");
        settings.remove("mp.jwt.verify.issuer");
        assertEquals(List.of("token-vault.keys is not configured",
                "mp.jwt.verify.publickey.location (or mp.jwt.verify.publickey) is not configured",
                "mp.jwt.verify.issuer is not configured"), problems(settings));
    }

    @Test
    void aMalformedVaultKeyIsReportedWithoutItsValue() {
        Map<String, String> settings = complete();
        settings.put("token-vault.keys", "k1:" + Base64.getEncoder().encodeToString(new byte[16]));
        List<String> problems = problems(settings);
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("not 256 bits") && !problems.get(0).contains("AAAA"), problems.get(0));
        settings.put("token-vault.keys", KEY);
        settings.put("token-vault.active-key-id", "k9");
        assertTrue(problems(settings).get(0).contains("names no key"));
    }

    @Test
    void aKeyListWithoutAKeyIsNoKey() {
        Map<String, String> settings = complete();
        settings.put("token-vault.keys", " , ");
        assertEquals(List.of("token-vault.keys holds no key"), problems(settings));
    }
}
