package com.workestra.sharedmailboxes.messages.boundary;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * Body of POST /messages/{id}/forward: the message, quoted, from its mailbox to {@code to} (at least one). The lists
 * name their item type for the OpenAPI scan, which otherwise left them without {@code items}.
 */
public class ForwardRequest {

    @Size(max = 320)
    public String from;

    @NotNull(message = "needs at least one recipient")
    @Size(min = 1, max = 500, message = "needs 1 to 500 recipients")
    @Schema(type = SchemaType.ARRAY, implementation = RecipientInput.class)
    public List<@Valid @NotNull RecipientInput> to;

    @Size(max = 500)
    @Schema(type = SchemaType.ARRAY, implementation = RecipientInput.class)
    public List<@Valid @NotNull RecipientInput> cc;

    @Size(max = 500)
    @Schema(type = SchemaType.ARRAY, implementation = RecipientInput.class)
    public List<@Valid @NotNull RecipientInput> bcc;

    @NotNull
    @Valid
    public BodyInput body;
}
