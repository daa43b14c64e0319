package com.workestra.sharedmailboxes.changes.entity;

import jakarta.json.bind.annotation.JsonbNillable;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** A page of the change feed, oldest first; {@code nextCursor} always says where to continue (also when caught up). */
@JsonbNillable
public record ChangePage(List<Change> items,
                         @Schema(description = "Where the next call continues: after the last change this page read (it"
                                 + " may have read changes the caller may not see). Equal to the cursor given when nothing"
                                 + " new was committed") String nextCursor) {
}
