package com.workestra.sharedmailboxes.messages.entity;

import java.util.Locale;

/** The two folders kept in sync: Graph's well-known folder name, and the name the API uses. */
public enum Folder {
    INBOX("inbox", "inbox"), SENT("sentitems", "sent");

    private final String graphName;
    private final String apiName;

    Folder(String graphName, String apiName) {
        this.graphName = graphName;
        this.apiName = apiName;
    }

    public String graphName() {
        return graphName;
    }

    public String apiName() {
        return apiName;
    }

    /** The folder the API names {@code name} (inbox, sent), or null. */
    public static Folder ofApiName(String name) {
        if (name == null) {
            return null;
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (Folder folder : values()) {
            if (folder.apiName.equals(wanted) || folder.graphName.equals(wanted)) {
                return folder;
            }
        }
        return null;
    }
}
