package com.workestra.sharedmailboxes.graph.control;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NationalCloudTest {

    @Test
    void oneSettingMovesTheAuthorityAndGraphTogetherAndEachKeyStillOverrides() {
        MicrosoftEndpoints endpoints = new MicrosoftEndpoints();
        endpoints.cloud = "usgov-high";
        endpoints.authority = Optional.empty();
        endpoints.graphBaseUrl = Optional.empty();
        assertEquals("https://login.microsoftonline.us/organizations/", endpoints.authority());
        assertEquals("https://graph.microsoft.us/v1.0", endpoints.graphBaseUrl());
        assertEquals("graph.microsoft.us", endpoints.graphHost());
        assertEquals("https://graph.microsoft.us/.default", endpoints.cloud().appOnlyScope());

        endpoints.cloud = "china";
        endpoints.graphBaseUrl = Optional.of("https://127.0.0.1:9443/v1.0/");
        assertEquals("https://login.chinacloudapi.cn/organizations/", endpoints.authority());
        assertEquals("https://127.0.0.1:9443/v1.0", endpoints.graphBaseUrl(), "the individual key overrides the cloud's");

        endpoints.cloud = "usgov-dod";
        endpoints.graphBaseUrl = Optional.empty();
        assertEquals("https://dod-graph.microsoft.us/v1.0", endpoints.graphBaseUrl());
        assertEquals("https://login.microsoftonline.us/organizations/", endpoints.authority());

        endpoints.cloud = "global";
        assertEquals("https://login.microsoftonline.com/organizations/", endpoints.authority());
        assertEquals("https://graph.microsoft.com/v1.0", endpoints.graphBaseUrl());
    }

    @Test
    void anUnknownCloudIsRefusedByName() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> NationalCloud.of("mars"));
        assertEquals("outlook.cloud must be global, usgov-high, usgov-dod or china, not 'mars'", refused.getMessage());
    }
}
