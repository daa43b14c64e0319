package com.workestra.sharedmailboxes.m365emulator;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Microsoft Graph delegated permission names and the OpenID Connect scopes, as Entra ID parses them. */
final class Scopes {

    static final String GRAPH_RESOURCE = "https://graph.microsoft.com";
    static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
    static final Set<String> OIDC = Set.of("openid", "profile", "email", "offline_access");
    static final List<String> GRAPH_DELEGATED = List.of("User.Read", "User.ReadBasic.All", "Mail.ReadBasic", "Mail.Read",
            "Mail.ReadWrite", "Mail.Send", "Mail.Read.Shared", "Mail.ReadWrite.Shared", "Mail.Send.Shared",
            "MailboxSettings.Read", "MailboxSettings.ReadWrite");
    private static final Map<String, String> CANONICAL = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        for (String name : GRAPH_DELEGATED) {
            CANONICAL.put(name, name);
        }
    }

    /** A parsed scope parameter: OIDC scopes, Graph permissions, and anything Entra would reject. */
    record Requested(Set<String> oidc, Set<String> graph, List<String> invalid, boolean graphDefault) {
    }

    private Scopes() {
    }

    static Requested parse(String scopeParameter) {
        Set<String> oidc = new LinkedHashSet<>();
        Set<String> graph = new LinkedHashSet<>();
        List<String> invalid = new java.util.ArrayList<>();
        boolean graphDefault = false;
        if (scopeParameter != null) {
            for (String scope : scopeParameter.trim().split("\\s+")) {
                if (scope.isEmpty()) {
                    continue;
                }
                String lower = scope.toLowerCase(Locale.ROOT);
                if (OIDC.contains(lower)) {
                    oidc.add(lower);
                    continue;
                }
                String name = scope;
                if (lower.startsWith(GRAPH_RESOURCE + "/")) {
                    name = scope.substring(GRAPH_RESOURCE.length() + 1);
                } else if (lower.startsWith(GRAPH_APP_ID + "/")) {
                    name = scope.substring(GRAPH_APP_ID.length() + 1);
                } else if (lower.contains("/")) {
                    invalid.add(scope);
                    continue;
                }
                if (name.equals(".default")) {
                    graphDefault = true;
                    graph.addAll(GRAPH_DELEGATED);
                    continue;
                }
                String canonical = CANONICAL.get(name);
                if (canonical == null) {
                    invalid.add(scope);
                } else {
                    graph.add(canonical);
                }
            }
        }
        return new Requested(oidc, graph, invalid, graphDefault);
    }

    /** The token response's scope value: Graph permissions fully qualified, then OIDC scopes except offline_access. */
    static String responseScope(Set<String> graph, Set<String> oidc) {
        StringBuilder value = new StringBuilder();
        for (String name : GRAPH_DELEGATED) {
            if (graph.contains(name)) {
                append(value, GRAPH_RESOURCE + "/" + name);
            }
        }
        for (String name : List.of("openid", "profile", "email")) {
            if (oidc.contains(name)) {
                append(value, name);
            }
        }
        return value.toString();
    }

    /** The access token's scp claim: short names, Graph permissions then OIDC scopes. */
    static String scpClaim(Set<String> graph, Set<String> oidc) {
        StringBuilder value = new StringBuilder();
        for (String name : GRAPH_DELEGATED) {
            if (graph.contains(name)) {
                append(value, name);
            }
        }
        for (String name : List.of("openid", "profile", "email")) {
            if (oidc.contains(name)) {
                append(value, name);
            }
        }
        return value.toString();
    }

    private static void append(StringBuilder value, String scope) {
        if (!value.isEmpty()) {
            value.append(' ');
        }
        value.append(scope);
    }
}
