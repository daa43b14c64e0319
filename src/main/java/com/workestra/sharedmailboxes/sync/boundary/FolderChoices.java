package com.workestra.sharedmailboxes.sync.boundary;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** A connection's folders: the mailbox's tree as last listed, each with whether the connection syncs it. */
@JsonbPropertyOrder({"listed", "folders"})
public record FolderChoices(
        @Schema(description = "false until the connection's first sync has listed the mailbox's folders (then only Inbox"
                + " and Sent Items are synced)") boolean listed,
        List<FolderChoiceView> folders) {

    /**
     * PUT's body: the folders to sync from now on, exactly these (inbox, sent, folder ids). Described on the record: a
     * {@code @Schema} on the list would replace the array's items in the document.
     */
    @Schema(description = "selected: the folders to sync from now on (the folder values of GET); the others stop syncing:"
            + " what was synced from them stays readable, as it was when they stopped", requiredProperties = "selected")
    public record Selection(List<String> selected) {
    }
}
