package com.workestra.sharedmailboxes.messages.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbTransient;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Locale;

/**
 * An attachment of a received message as Exchange lists it (API.md "Attachments"): never stored here, asked of Graph
 * with the reader's token when the message is read. {@code kind}: {@code file} (a file, inline images among them),
 * {@code item} (an attached e-mail, event or contact, downloadable as MIME) or {@code reference} (a link to a file in
 * the cloud: listed, not downloadable).
 */
@Schema(description = "An attachment of a message, as Microsoft 365 lists it now (asked with the reader's token on the"
        + " single read, not stored here); inline images among them are what the HTML body's images point at. A message's"
        + " attachments are absent when they could not be asked for: the reader holds no working connection to the"
        + " mailbox (history after a disconnect), or Microsoft 365 did not answer")
@JsonbPropertyOrder({"id", "name", "contentType", "size", "isInline", "contentId", "kind"})
public record Attachment(String id, String name, String contentType, long size, boolean isInline,
                         @Schema(description = "The Content-ID an HTML body refers to as cid:…; only on inline files")
                         String contentId,
                         @Schema(enumeration = {"file", "item", "reference"}) String kind) {

    public enum Kind {
        FILE, ITEM, REFERENCE;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Attachment(String id, String name, String contentType, long size, boolean isInline, String contentId, Kind kind) {
        this(id, name, contentType, size, isInline, contentId, kind.apiName());
    }

    @JsonbTransient
    public boolean isFile() {
        return Kind.FILE.apiName().equals(kind);
    }

    @JsonbTransient
    public boolean isItem() {
        return Kind.ITEM.apiName().equals(kind);
    }
}
