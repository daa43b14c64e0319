package com.workestra.sharedmailboxes.graph.control;

import java.util.Locale;

/**
 * Microsoft's clouds (https://learn.microsoft.com/graph/deployments): the Entra ID endpoint and the Microsoft Graph
 * service root move together, and so does the domain of every scope that names Graph (the app-only identity's
 * {@code .default}; https://learn.microsoft.com/graph/sdks/national-clouds: short scope names such as Mail.Read stay
 * valid everywhere). Tokens of one cloud are not accepted in another.
 */
public enum NationalCloud {
    GLOBAL("global", "https://login.microsoftonline.com", "https://graph.microsoft.com"),
    /** Microsoft Cloud for US Government, GCC High (L4). */
    USGOV_HIGH("usgov-high", "https://login.microsoftonline.us", "https://graph.microsoft.us"),
    /** Microsoft Cloud for US Government, DoD (L5). */
    USGOV_DOD("usgov-dod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us"),
    /** Microsoft 365 operated by 21Vianet in China. */
    CHINA("china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn");

    private final String key;
    private final String login;
    private final String graph;

    NationalCloud(String key, String login, String graph) {
        this.key = key;
        this.login = login;
        this.graph = graph;
    }

    /** {@code outlook.cloud}'s value: global, usgov-high, usgov-dod or china. */
    public static NationalCloud of(String value) {
        String wanted = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (NationalCloud cloud : values()) {
            if (cloud.key.equals(wanted)) {
                return cloud;
            }
        }
        throw new IllegalArgumentException("outlook.cloud must be global, usgov-high, usgov-dod or china, not '" + value + "'");
    }

    public String key() {
        return key;
    }

    /** The multi-tenant authority for the delegated sign-in. */
    public String authority() {
        return login + "/organizations/";
    }

    public String graphBaseUrl() {
        return graph + "/v1.0";
    }

    /** The resource every Graph-qualified scope names: {@code https://graph.microsoft.us/.default} in GCC High. */
    public String graphResource() {
        return graph;
    }

    public String appOnlyScope() {
        return graph + "/.default";
    }
}
