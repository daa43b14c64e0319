package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The folder tree, as Microsoft documents it:
 * <ul>
 *   <li>{@code GET .../mailFolders}: the folders directly under the root (not the whole tree), 10 a page by default,
 *   {@code $top} and {@code @odata.nextLink} (https://learn.microsoft.com/graph/api/user-list-mailfolders);</li>
 *   <li>{@code GET .../mailFolders/{id}/childFolders}: one level further down, paged the same way
 *   (https://learn.microsoft.com/graph/api/mailfolder-list-childfolders);</li>
 *   <li>{@code GET .../mailFolders/{well-known name or id}}: one folder
 *   (https://learn.microsoft.com/graph/api/mailfolder-get; well-known names:
 *   https://learn.microsoft.com/graph/api/resources/mailfolder#well-known-folder-names);</li>
 *   <li>{@code POST .../mailFolders} and {@code POST .../mailFolders/{id}/childFolders} {@code {"displayName"}}: 201
 *   with the new folder (https://learn.microsoft.com/graph/api/user-post-mailfolders,
 *   https://learn.microsoft.com/graph/api/mailfolder-post-childfolders);</li>
 *   <li>{@code GET .../mailFolders/delta}: "mail folders that have been added, deleted, or removed from the user's
 *   mailbox" (https://learn.microsoft.com/graph/api/mailfolder-delta): a first round lists every folder of the mailbox,
 *   at every level (the mailbox's folders, not the root's children: unlike {@code GET .../mailFolders}, whose page
 *   says "directly under the root"), then an {@code @odata.deltaLink}; a round from that link lists the folders
 *   created since. Pages follow {@code Prefer: odata.maxpagesize} (default 10) with {@code @odata.nextLink}; a token
 *   this emulator did not issue answers 400, one from before {@link Tenant#expireDeltaTokens} 410 syncStateNotFound,
 *   as message delta tokens do.</li>
 * </ul>
 * Hidden folders ({@code includeHiddenFolders}) and mail search folders are not emulated.
 */
final class MailFolderEndpoints {

    static final int DEFAULT_PAGE_SIZE = 10;

    private final String graphBase;

    MailFolderEndpoints(String graphBase) {
        this.graphBase = graphBase;
    }

    /** The children of {@code parent} (null: of the root), one page. */
    void list(HttpCall call, TargetMailbox target, Mailbox mailbox, MailFolder parent) {
        List<MailFolder> children = mailbox.children(parent == null ? mailbox.rootFolderId : parent.id);
        int top = Math.max(1, intOption(call, "$top", DEFAULT_PAGE_SIZE));
        int skip = intOption(call, "$skip", 0);
        ObjectNode body = Json.object();
        String path = "users('" + mailbox.oid + "')/mailFolders" + (parent == null ? "" : "('" + parent.id + "')/childFolders");
        body.put("@odata.context", graphBase + "/$metadata#" + path);
        var values = body.putArray("value");
        for (int i = skip; i < children.size() && i < skip + top; i++) {
            values.add(json(mailbox, children.get(i), false));
        }
        if (skip + top < children.size()) {
            body.put("@odata.nextLink", graphBase + "/" + target.linkPath() + "/mailFolders"
                    + (parent == null ? "" : "/" + parent.id + "/childFolders") + "?$top=" + top + "&$skip=" + (skip + top));
        }
        call.respondJson(200, body);
    }

    /**
     * One page of a folder delta round. The tokens are positions in the mailbox's folder list: folders are only ever
     * added here (deleting and renaming folders is not emulated), so "changed since" is "created at or after".
     */
    void delta(HttpCall call, TargetMailbox target, Mailbox mailbox) {
        int from = tokenOption(call, "$deltatoken", mailbox, 0);
        int skip = tokenOption(call, "$skiptoken", mailbox, from);
        Integer preferred = GraphPreferences.maxPageSize(call);
        int pageSize = preferred == null || preferred < 1 ? DEFAULT_PAGE_SIZE : preferred;
        List<MailFolder> folders = List.copyOf(mailbox.folders);
        ObjectNode body = Json.object();
        body.put("@odata.context", graphBase + "/$metadata#Collection(mailFolder)");
        var values = body.putArray("value");
        int end = Math.min(folders.size(), skip + pageSize);
        for (int i = skip; i < end; i++) {
            values.add(json(mailbox, folders.get(i), false));
        }
        String link = graphBase + "/" + target.linkPath() + "/mailFolders/delta?";
        if (end < folders.size()) {
            body.put("@odata.nextLink", link + "$skiptoken=" + mailbox.syncGeneration + "." + end);
        } else {
            body.put("@odata.deltaLink", link + "$deltatoken=" + mailbox.syncGeneration + "." + folders.size());
        }
        GraphPreferences.applied(call, false, preferred);
        call.respondJson(200, body);
    }

    /** A token's position ("generation.position"); a token of an earlier generation expired as message tokens do (410). */
    private static int tokenOption(HttpCall call, String name, Mailbox mailbox, int fallback) {
        String value = call.option(name);
        if (value == null) {
            return fallback;
        }
        String[] parts = value.trim().split("\\.");
        try {
            if (parts.length != 2) {
                throw new NumberFormatException(value);
            }
            if (Integer.parseInt(parts[0]) != mailbox.syncGeneration) {
                throw new GraphException(410, "syncStateNotFound",
                        "The sync state generation is not found. The delta token is expired and data must be synchronized again.");
            }
            return Math.max(0, Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            throw new GraphException(400, "ErrorInvalidSyncStateData", "The sync state data is corrupt or otherwise invalid.");
        }
    }

    void get(HttpCall call, Mailbox mailbox, MailFolder folder) {
        call.respondJson(200, json(mailbox, folder, true));
    }

    void create(HttpCall call, Mailbox mailbox, MailFolder parent) {
        JsonNode request = call.json();
        String displayName = Json.text(request, "displayName");
        if (displayName == null || displayName.isBlank()) {
            throw GraphException.badRequest("The displayName of a mail folder is required.");
        }
        call.respondJson(201, json(mailbox, mailbox.createFolder(parent, displayName), true));
    }

    private ObjectNode json(Mailbox mailbox, MailFolder folder, boolean withContext) {
        ObjectNode json = Json.object();
        if (withContext) {
            json.put("@odata.context", graphBase + "/$metadata#users('" + mailbox.oid + "')/mailFolders/$entity");
        }
        json.put("id", folder.id);
        json.put("displayName", folder.displayName);
        json.put("parentFolderId", folder.parentId);
        json.put("childFolderCount", mailbox.children(folder.id).size());
        json.put("unreadItemCount", folder.unread.get());
        json.put("totalItemCount", folder.total.get());
        json.put("sizeInBytes", 0);
        json.put("isHidden", false);
        return json;
    }

    private static int intOption(HttpCall call, String name, int fallback) {
        String value = call.option(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed < 0) {
                throw GraphException.badRequest("Invalid " + name + " value.");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw GraphException.badRequest("Invalid " + name + " value.");
        }
    }
}
