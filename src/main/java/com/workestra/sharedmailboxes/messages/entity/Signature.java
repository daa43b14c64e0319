package com.workestra.sharedmailboxes.messages.entity;

import com.workestra.sharedmailboxes.mailboxes.entity.Mailbox;
import com.workestra.sharedmailboxes.mailboxes.entity.MailboxUserKey;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/** One user's signature for one mailbox, appended to what that user sends (and replies) from it. */
@Entity
@Table(name = "signature")
@IdClass(MailboxUserKey.class)
public class Signature {

    @Id
    @Column(name = "mailbox_id")
    private UUID mailboxId;

    @Id
    @Column(name = "user_id")
    private String userId;

    @Column(name = "workspace_id", nullable = false)
    private String workspaceId;

    @Column(name = "content_type", nullable = false)
    private String contentType;

    @Column(nullable = false)
    private String content;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected Signature() {
    }

    public Signature(Mailbox mailbox, String userId, String contentType, String content, Instant now) {
        this.mailboxId = mailbox.id();
        this.workspaceId = mailbox.workspaceId();
        this.userId = Objects.requireNonNull(userId);
        change(contentType, content, now);
    }

    public void change(String newContentType, String newContent, Instant now) {
        this.contentType = "html".equalsIgnoreCase(newContentType) ? "html" : "text";
        this.content = Objects.requireNonNull(newContent);
        this.updatedAt = now;
    }

    /** The body with this signature appended, in the body's content type (HTML when either is HTML). */
    public Body appendTo(String bodyType, String bodyContent) {
        boolean bodyHtml = "html".equalsIgnoreCase(bodyType);
        boolean signatureHtml = "html".equals(contentType);
        if (!bodyHtml && !signatureHtml) {
            return new Body("text", bodyContent + "\n\n-- \n" + content);
        }
        String html = bodyHtml ? bodyContent : textToHtml(bodyContent);
        String signature = signatureHtml ? content : textToHtml(content);
        return new Body("html", html + "<br><br><div class=\"signature\">" + signature + "</div>");
    }

    static String textToHtml(String text) {
        StringBuilder html = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> html.append("&lt;");
                case '>' -> html.append("&gt;");
                case '&' -> html.append("&amp;");
                case '"' -> html.append("&quot;");
                case '\n' -> html.append("<br>");
                case '\r' -> {
                }
                default -> html.append(c);
            }
        }
        return html.toString();
    }

    public record Body(String contentType, String content) {
    }

    public UUID mailboxId() {
        return mailboxId;
    }

    public String contentType() {
        return contentType.toLowerCase(Locale.ROOT);
    }

    public String content() {
        return content;
    }

    public Instant updatedAt() {
        return updatedAt;
    }
}
