package com.workestra.sharedmailboxes.sync.boundary;

import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.sync.control.FolderSelection;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One folder of a connection's mailbox and whether the connection syncs it. */
@JsonbPropertyOrder({"folder", "name", "path", "parentFolder", "wellKnownName", "selected", "selectedByDefault"})
public record FolderChoiceView(
        @Schema(description = "inbox, sent, or the folder's id: the value of a message's folder and of the folder filter")
        String folder,
        @Schema(description = "The folder's name as the mailbox shows it (localised)") String name,
        @Schema(description = "Its place in the mailbox, \"Inbox/Customers\"") String path,
        @Schema(description = "The folder value of its parent; null at the top of the mailbox") String parentFolder,
        @Schema(description = "Graph's well-known name (inbox, sentitems, deleteditems, junkemail, drafts), else null")
        String wellKnownName,
        @Schema(description = "Whether this connection syncs the folder") boolean selected,
        @Schema(description = "Whether it is synced when nobody chose: every folder except Deleted Items, Junk Email,"
                + " Drafts and the folders under them") boolean selectedByDefault) {

    static FolderChoiceView of(FolderSelection.Choice choice) {
        var folder = choice.folder();
        return new FolderChoiceView(folder.folder().apiName(), folder.displayName(), folder.path(),
                folder.parentFolder() == null ? null : Folder.valueOf(folder.parentFolder()).apiName(), folder.wellKnownName(),
                choice.selected(), folder.syncedByDefault());
    }
}
