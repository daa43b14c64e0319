package com.workestra.sharedmailboxes.m365emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code .../mailFolders} (list) and {@code .../mailFolders/{well-known name or id}} (get). */
final class MailFolderEndpoints {

    private final String graphBase;

    MailFolderEndpoints(String graphBase) {
        this.graphBase = graphBase;
    }

    void list(HttpCall call, Mailbox mailbox) {
        ObjectNode body = Json.object();
        body.put("@odata.context", graphBase + "/$metadata#users('" + mailbox.oid + "')/mailFolders");
        var values = body.putArray("value");
        for (MailFolder folder : mailbox.folders) {
            values.add(json(mailbox, folder, false));
        }
        call.respondJson(200, body);
    }

    void get(HttpCall call, Mailbox mailbox, MailFolder folder) {
        call.respondJson(200, json(mailbox, folder, true));
    }

    private ObjectNode json(Mailbox mailbox, MailFolder folder, boolean withContext) {
        ObjectNode json = Json.object();
        if (withContext) {
            json.put("@odata.context", graphBase + "/$metadata#users('" + mailbox.oid + "')/mailFolders/$entity");
        }
        json.put("id", folder.id);
        json.put("displayName", folder.displayName);
        json.put("parentFolderId", MessageIds.folder(mailbox.number, 99));
        json.put("childFolderCount", 0);
        json.put("unreadItemCount", folder.unread.get());
        json.put("totalItemCount", folder.total.get());
        json.put("sizeInBytes", 0);
        json.put("isHidden", false);
        return json;
    }
}
