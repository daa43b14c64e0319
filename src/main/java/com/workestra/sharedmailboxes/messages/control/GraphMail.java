package com.workestra.sharedmailboxes.messages.control;

import com.microsoft.graph.models.Attachment;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.users.item.messages.item.createforward.CreateForwardPostRequestBody;
import com.microsoft.graph.users.item.messages.item.createreply.CreateReplyPostRequestBody;
import com.microsoft.graph.users.item.messages.item.createreplyall.CreateReplyAllPostRequestBody;
import com.workestra.sharedmailboxes.messages.entity.OutgoingAttachment;
import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.ItemBody;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.UserItemRequestBuilder;
import com.microsoft.graph.users.item.messages.item.forward.ForwardPostRequestBody;
import com.microsoft.graph.users.item.messages.item.reply.ReplyPostRequestBody;
import com.microsoft.graph.users.item.messages.item.replyall.ReplyAllPostRequestBody;
import com.microsoft.graph.users.item.sendmail.SendMailPostRequestBody;
import com.workestra.sharedmailboxes.connections.control.OutlookSignIn;
import com.workestra.sharedmailboxes.connections.entity.OutlookConnection;
import com.workestra.sharedmailboxes.connections.entity.TokenHolder;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.graph.control.MailboxRefusals;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;
import com.workestra.sharedmailboxes.graph.control.MailboxGate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes to Exchange as the acting user: send, reply, forward, read state. A personal mailbox is reached as /me, a shared one as
 * /users/{shared address}, always with the acting connection's delegated token (the parent's for a shared row), so
 * Exchange decides and its audit names the person. Graph's refusals become the product's errors, never a silent success.
 * It works on values ({@link Acting}), not entities: callers ask Microsoft with no transaction open.
 */
@ApplicationScoped
public class GraphMail {

    private static final Logger LOG = Logger.getLogger(GraphMail.class.getName());

    /**
     * Files adding up to less than this go inline in one sendMail: Graph takes at most 4 MB per request, and base64
     * makes 2.5 MB of files about 3.4 MB, leaving room for the body (learn.microsoft.com/graph/outlook-large-attachments;
     * GRAPH-FACTS.md §8). More goes through a draft.
     */
    static final long INLINE_SEND_MAX_BYTES = 5L * 512 * 1024;

    @Inject
    OutlookSignIn signIn;

    @Inject
    MailboxGate gate;

    /** The connection through which Exchange is asked, as values read before any call to Microsoft. */
    public record Acting(UUID connectionId, UUID mailboxId, String address, String displayName, boolean personal,
                         TokenHolder tokenHolder) {

        /** Reads the connection (and, for a shared row, its parent's token holder): inside a transaction. */
        public static Acting of(OutlookConnection connection) {
            return new Acting(connection.id(), connection.mailbox().id(), connection.mailbox().address(),
                    connection.mailbox().displayName(), connection.isPersonal(), TokenHolder.of(connection.tokenHolder()));
        }
    }

    public record Outgoing(String subject, String contentType, String content, List<Recipient> to, List<Recipient> cc,
                           List<Recipient> bcc) {
    }

    public void send(Acting acting, Outgoing outgoing) {
        send(acting, outgoing, List.of());
    }

    /**
     * A new message. With files under {@link #INLINE_SEND_MAX_BYTES} together: one sendMail with them inline as
     * fileAttachments. Otherwise a draft (POST messages), each file attached (under 3 MB: one POST with contentBytes;
     * from 3 MB: an upload session), and the draft sent; when anything fails before the send, the draft is deleted.
     */
    public void send(Acting acting, Outgoing outgoing, List<OutgoingAttachment> attachments) {
        long total = attachments.stream().mapToLong(OutgoingAttachment::size).sum();
        if (attachments.isEmpty() || total + outgoing.content().length() < INLINE_SEND_MAX_BYTES) {
            call(acting, user -> {
                Message message = newMessage(acting, outgoing);
                if (!attachments.isEmpty()) {
                    List<Attachment> inline = new ArrayList<>();
                    for (OutgoingAttachment attachment : attachments) {
                        inline.add(DraftAttachments.fileAttachment(attachment));
                    }
                    message.setAttachments(inline);
                }
                SendMailPostRequestBody request = new SendMailPostRequestBody();
                request.setMessage(message);
                request.setSaveToSentItems(true);
                user.sendMail().post(request);
            });
            return;
        }
        callWithClient(acting, (client, user) -> sendDraft(client, user, acting,
                () -> user.messages().post(newMessage(acting, outgoing)).getId(), attachments));
    }

    private static Message newMessage(Acting acting, Outgoing outgoing) {
        Message message = new Message();
        message.setSubject(outgoing.subject());
        message.setBody(body(outgoing.contentType(), outgoing.content()));
        message.setToRecipients(recipients(outgoing.to()));
        message.setCcRecipients(recipients(outgoing.cc()));
        message.setBccRecipients(recipients(outgoing.bcc()));
        if (!acting.personal()) {
            message.setFrom(recipient(new Recipient(acting.displayName(), acting.address())));
        }
        return message;
    }

    /**
     * Creates the draft, attaches the files and sends it. A failure before the send deletes the draft (an upload that
     * stopped half way sends nothing); so does a refusal of the send itself, since Exchange sent nothing then.
     */
    private void sendDraft(GraphServiceClient client, UserItemRequestBuilder user, Acting acting,
                           java.util.function.Supplier<String> createDraft, List<OutgoingAttachment> attachments) {
        String draftId = createDraft.get();
        try {
            for (OutgoingAttachment attachment : attachments) {
                DraftAttachments.attach(client.getRequestAdapter(), user, acting, draftId, attachment);
            }
        } catch (RuntimeException failed) {
            discard(user, draftId, failed);
            throw failed;
        }
        try {
            user.messages().byMessageId(draftId).send().post();
        } catch (RuntimeException failed) {
            GraphFailure failure = GraphFailure.of(failed);
            if (failure != null && failure.status() != 0) {
                // Exchange answered and refused: nothing went out. Without an answer the mail may have gone: keep it.
                discard(user, draftId, failed);
            }
            throw failed;
        }
    }

    private static void discard(UserItemRequestBuilder user, String draftId, RuntimeException cause) {
        try {
            user.messages().byMessageId(draftId).delete();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            LOG.log(Level.WARNING, "Could not delete the unsent draft " + draftId, e);
        }
    }

    /**
     * Who a reply or forward goes to, beyond what Exchange chooses: {@code to} null lets Exchange answer as it does
     * (reply: the sender); otherwise these are the recipients. Each list is set on the action's {@code message}, whose
     * writable properties Graph applies to the message it sends.
     */
    public record Recipients(List<Recipient> to, List<Recipient> cc, List<Recipient> bcc) {
    }

    /**
     * Graph's reply or replyAll in one action: Exchange quotes the original, keeps the thread (In-Reply-To, References,
     * conversationId) and puts {@code comment} above the quoted text, where Outlook puts a reply; Sent Items keeps a copy.
     */
    public void reply(Acting acting, String graphMessageId, boolean replyAll, String comment, Recipients recipients) {
        reply(acting, graphMessageId, replyAll, comment, recipients, List.of());
    }

    /** Reply with files: createReply (or createReplyAll) makes the draft Exchange would send, then as {@link #send}. */
    public void reply(Acting acting, String graphMessageId, boolean replyAll, String comment, Recipients recipients,
                      List<OutgoingAttachment> attachments) {
        if (!attachments.isEmpty()) {
            callWithClient(acting, (client, user) -> sendDraft(client, user, acting, () -> {
                var item = user.messages().byMessageId(graphMessageId);
                Message message = changes(acting, recipients);
                if (replyAll) {
                    CreateReplyAllPostRequestBody request = new CreateReplyAllPostRequestBody();
                    request.setComment(comment);
                    request.setMessage(message);
                    return item.createReplyAll().post(request).getId();
                }
                CreateReplyPostRequestBody request = new CreateReplyPostRequestBody();
                request.setComment(comment);
                request.setMessage(message);
                return item.createReply().post(request).getId();
            }, attachments));
            return;
        }
        call(acting, user -> {
            var item = user.messages().byMessageId(graphMessageId);
            Message message = changes(acting, recipients);
            if (replyAll) {
                ReplyAllPostRequestBody request = new ReplyAllPostRequestBody();
                request.setComment(comment);
                request.setMessage(message);
                item.replyAll().post(request);
            } else {
                ReplyPostRequestBody request = new ReplyPostRequestBody();
                request.setComment(comment);
                request.setMessage(message);
                item.reply().post(request);
            }
        });
    }

    /** Graph's forward: the original quoted below {@code comment}, to the recipients given. */
    public void forward(Acting acting, String graphMessageId, String comment, Recipients recipients) {
        forward(acting, graphMessageId, comment, recipients, List.of());
    }

    /** Forward with files: createForward makes the draft, then as {@link #send}. */
    public void forward(Acting acting, String graphMessageId, String comment, Recipients recipients,
                        List<OutgoingAttachment> attachments) {
        if (!attachments.isEmpty()) {
            callWithClient(acting, (client, user) -> sendDraft(client, user, acting, () -> {
                CreateForwardPostRequestBody request = new CreateForwardPostRequestBody();
                request.setComment(comment);
                request.setMessage(changes(acting, recipients));
                return user.messages().byMessageId(graphMessageId).createForward().post(request).getId();
            }, attachments));
            return;
        }
        call(acting, user -> {
            ForwardPostRequestBody request = new ForwardPostRequestBody();
            request.setComment(comment);
            request.setMessage(changes(acting, recipients));
            user.messages().byMessageId(graphMessageId).forward().post(request);
        });
    }

    /** The {@code message} of a reply or forward: From (for a shared mailbox) and the recipients given; null if none. */
    private static Message changes(Acting acting, Recipients recipients) {
        Message message = new Message();
        boolean any = false;
        if (!acting.personal()) {
            message.setFrom(recipient(new Recipient(acting.displayName(), acting.address())));
            any = true;
        }
        if (recipients.to() != null) {
            message.setToRecipients(recipients(recipients.to()));
            any = true;
        }
        if (recipients.cc() != null && !recipients.cc().isEmpty()) {
            message.setCcRecipients(recipients(recipients.cc()));
            any = true;
        }
        if (recipients.bcc() != null && !recipients.bcc().isEmpty()) {
            message.setBccRecipients(recipients(recipients.bcc()));
            any = true;
        }
        return any ? message : null;
    }

    public void markRead(Acting acting, String graphMessageId, boolean isRead) {
        call(acting, user -> {
            Message change = new Message();
            change.setIsRead(isRead);
            user.messages().byMessageId(graphMessageId).patch(change);
        });
    }

    private void call(Acting acting, Consumer<UserItemRequestBuilder> request) {
        callWithClient(acting, (client, user) -> request.accept(user));
    }

    private void callWithClient(Acting acting, BiConsumer<GraphServiceClient, UserItemRequestBuilder> request) {
        GraphServiceClient client = signIn.graphFor(acting.tokenHolder());
        UserItemRequestBuilder user = acting.personal() ? client.me() : client.users().byUserId(acting.address());
        try {
            gate.run(acting.mailboxId(), () -> request.accept(client, user));
        } catch (RuntimeException e) {
            throw ServiceException.within(e).<RuntimeException>map(refused -> refused).orElseGet(() -> translate(e, acting));
        }
    }

    /** Exchange's ErrorMessageSizeExceeded: the tenant's limit is not in Graph's answer, so its default is named. */
    static final String MESSAGE_TOO_LARGE = "Microsoft 365 refused the message: with its attachments it is larger than your"
            + " organisation allows for one message (35 MB in Exchange Online unless your administrator changed it)."
            + " Nothing was sent. Send fewer or smaller files, or share a link instead.";

    static RuntimeException translate(RuntimeException failure, Acting acting) {
        GraphFailure graphFailure = GraphFailure.of(failure);
        if (graphFailure == null) {
            return failure;
        }
        if (graphFailure.status() == 413 || "ErrorMessageSizeExceeded".equalsIgnoreCase(graphFailure.code())) {
            return new ServiceException(ProblemCode.PAYLOAD_TOO_LARGE, MESSAGE_TOO_LARGE, null, failure);
        }
        if (graphFailure.isSendAsDenied()) {
            return new ServiceException(ProblemCode.SEND_AS_DENIED, MailboxRefusals.SEND_AS_DENIED, null, failure);
        }
        if (graphFailure.isAccessDenied()) {
            return new ServiceException(ProblemCode.MAILBOX_ACCESS_DENIED, MailboxRefusals.ACCESS_DENIED, null, failure);
        }
        if (graphFailure.isNotFound()) {
            return new ServiceException(ProblemCode.NOT_FOUND,
                    "Microsoft 365 no longer has this message in " + acting.address() + ".", null, failure);
        }
        if (graphFailure.isThrottled()) {
            return new ServiceException(ProblemCode.THROTTLED, MailboxRefusals.THROTTLED + ". Try again shortly.",
                    graphFailure.retryAfter(), failure);
        }
        if (graphFailure.status() == 400) {
            return new ServiceException(ProblemCode.INVALID_REQUEST, "Microsoft refused the message (" + graphFailure.code() + ").",
                    null, failure);
        }
        return new ServiceException(ProblemCode.MICROSOFT_UNAVAILABLE,
                "Microsoft 365 did not accept the request (" + graphFailure + "). Try again in a moment.", graphFailure.retryAfter(), failure);
    }

    private static ItemBody body(String contentType, String content) {
        ItemBody body = new ItemBody();
        body.setContentType("html".equalsIgnoreCase(contentType) ? BodyType.Html : BodyType.Text);
        body.setContent(content);
        return body;
    }

    private static List<com.microsoft.graph.models.Recipient> recipients(List<Recipient> recipients) {
        return recipients == null ? List.of() : recipients.stream().map(GraphMail::recipient).toList();
    }

    private static com.microsoft.graph.models.Recipient recipient(Recipient recipient) {
        EmailAddress address = new EmailAddress();
        address.setAddress(recipient.address());
        if (recipient.name() != null) {
            address.setName(recipient.name());
        }
        com.microsoft.graph.models.Recipient graphRecipient = new com.microsoft.graph.models.Recipient();
        graphRecipient.setEmailAddress(address);
        return graphRecipient;
    }
}
