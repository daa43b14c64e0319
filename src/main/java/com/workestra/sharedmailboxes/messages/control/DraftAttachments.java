package com.workestra.sharedmailboxes.messages.control;

import com.microsoft.graph.core.models.UploadResult;
import com.microsoft.graph.core.requests.upload.UploadResponseHandler;
import com.microsoft.graph.models.AttachmentItem;
import com.microsoft.graph.models.AttachmentType;
import com.microsoft.graph.models.FileAttachment;
import com.microsoft.graph.models.UploadSession;
import com.microsoft.graph.users.item.UserItemRequestBuilder;
import com.microsoft.graph.users.item.messages.item.attachments.createuploadsession.CreateUploadSessionPostRequestBody;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.HttpMethod;
import com.microsoft.kiota.NativeResponseHandler;
import com.microsoft.kiota.RequestAdapter;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import com.workestra.sharedmailboxes.graph.control.GraphFailure;
import com.workestra.sharedmailboxes.messages.control.GraphMail.Acting;
import com.workestra.sharedmailboxes.messages.entity.OutgoingAttachment;
import com.workestra.sharedmailboxes.problems.entity.ProblemCode;
import com.workestra.sharedmailboxes.problems.entity.ServiceException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The files of a message that {@link GraphMail} sends as a draft: under 3 MB one POST each, from 3 MB an upload session
 * (Graph's "Attach large files to Outlook messages"). Called through the gate by GraphMail, outside any transaction.
 */
final class DraftAttachments {

    /**
     * The byte range of one PUT to an upload session: Outlook asks for at most 4 MB each; 12 × 320 KiB (3.75 MiB) also
     * keeps to the 320 KiB multiples OneDrive's sessions want (attachment-createuploadsession.md). One slice is in memory.
     */
    static final int UPLOAD_SLICE_BYTES = 12 * 320 * 1024;
    /** A throttled slice is retried here only when Microsoft asks to wait this long at most. */
    static final long UPLOAD_RETRY_MAX_WAIT_SECONDS = 5;

    private DraftAttachments() {
    }

    static void attach(RequestAdapter adapter, UserItemRequestBuilder user, Acting acting, String draftId,
                        OutgoingAttachment attachment) {
        var attachments = user.messages().byMessageId(draftId).attachments();
        if (!attachment.needsUploadSession()) {
            attachments.post(fileAttachment(attachment));
            return;
        }
        if (attachment.size() > OutgoingAttachment.UPLOAD_SESSION_MAX_BYTES) {
            throw new ServiceException(ProblemCode.PAYLOAD_TOO_LARGE, "Microsoft 365 takes files of up to 150 MB; "
                    + attachment.name() + " is larger. Nothing was sent.");
        }
        AttachmentItem item = new AttachmentItem();
        item.setAttachmentType(AttachmentType.File);
        item.setName(attachment.name());
        item.setContentType(attachment.contentType());
        item.setSize(attachment.size());
        CreateUploadSessionPostRequestBody request = new CreateUploadSessionPostRequestBody();
        request.setAttachmentItem(item);
        UploadSession session = attachments.createUploadSession().post(request);
        upload(adapter, acting, session.getUploadUrl(), attachment);
    }

    /**
     * PUTs the file to the upload session's pre-authenticated URL, one slice at a time in order, where the session says
     * the next range starts ({@code nextExpectedRanges}); the last answers 201. The Graph SDK core's
     * {@code LargeFileUploadTask} is not used: after a failed slice it retries whole passes and then throws a
     * CancellationException without the cause, and a person needs to hear why (throttled, too large).
     */
    private static void upload(RequestAdapter adapter, Acting acting, String uploadUrl, OutgoingAttachment attachment) {
        long size = attachment.size();
        try (FileChannel channel = FileChannel.open(attachment.file(), StandardOpenOption.READ)) {
            long begin = 0;
            while (begin < size) {
                int length = (int) Math.min(UPLOAD_SLICE_BYTES, size - begin);
                ByteBuffer slice = ByteBuffer.allocate(length);
                while (slice.hasRemaining() && channel.read(slice, begin + slice.position()) >= 0) {
                    // read the whole slice
                }
                UploadResult<FileAttachment> result;
                try {
                    result = putSlice(adapter, uploadUrl, slice.array(), begin, size);
                } catch (ApiException refused) {
                    throw uploadRefused(refused, acting, attachment);
                }
                if (result.isUploadSuccessful()) {
                    return;
                }
                begin = nextExpected(result, begin + length);
            }
            throw new IllegalStateException("The upload session of " + attachment.name() + " took every byte but never answered 201");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One slice, as the SDK core's {@code UploadSliceRequestBuilder} sends it (Content-Range, Content-Length,
     * application/octet-stream; its {@code UploadResponseHandler} reads 200 and 201), with a retry option of its own:
     * the SDK's retry handler would sleep out a 429's Retry-After up to 180 s three times, and the IncomingBytes limit
     * answers with minutes. Only a short wait (a few seconds) is retried here; a longer one goes back to the person.
     */
    private static UploadResult<FileAttachment> putSlice(RequestAdapter adapter, String uploadUrl, byte[] slice, long begin,
                                                         long size) {
        RequestInformation request = new RequestInformation();
        request.httpMethod = HttpMethod.PUT;
        request.setUri(java.net.URI.create(uploadUrl));
        request.setStreamContent(new ByteArrayInputStream(slice), "application/octet-stream");
        request.headers.add("Content-Range", String.format(java.util.Locale.ROOT, "bytes %d-%d/%d", begin,
                begin + slice.length - 1, size));
        request.headers.add("Content-Length", Long.toString(slice.length));
        request.addRequestOptions(List.of(new RetryHandlerOption((delay, attempt, req, response) -> {
            String retryAfter = response.header("Retry-After");
            try {
                return retryAfter == null || Long.parseLong(retryAfter.trim()) <= UPLOAD_RETRY_MAX_WAIT_SECONDS;
            } catch (NumberFormatException e) {
                return false;
            }
        }, RetryHandlerOption.DEFAULT_MAX_RETRIES, RetryHandlerOption.DEFAULT_DELAY)));
        NativeResponseHandler handler = new NativeResponseHandler();
        request.setResponseHandler(handler);
        adapter.sendPrimitive(request, null, java.io.InputStream.class);
        return new UploadResponseHandler().handleResponse((okhttp3.Response) handler.getValue(),
                FileAttachment::createFromDiscriminatorValue);
    }

    private static long nextExpected(UploadResult<FileAttachment> result, long otherwise) {
        if (result.uploadSession == null || result.uploadSession.getNextExpectedRanges() == null
                || result.uploadSession.getNextExpectedRanges().isEmpty()) {
            return otherwise;
        }
        String range = result.uploadSession.getNextExpectedRanges().get(0);
        int dash = range.indexOf('-');
        return Long.parseLong((dash < 0 ? range : range.substring(0, dash)).trim());
    }

    /** An upload slice Microsoft refused: throttling (IncomingBytes, 150 MB per 5 minutes per mailbox) or too large. */
    private static RuntimeException uploadRefused(ApiException refused, Acting acting, OutgoingAttachment attachment) {
        GraphFailure failure = GraphFailure.of(refused);
        if (failure != null && failure.isThrottled()) {
            long seconds = failure.retryAfter() == null ? 300 : Math.max(1, failure.retryAfter().toSeconds());
            return new ServiceException(ProblemCode.THROTTLED, "Microsoft 365 is throttling uploads to " + acting.address()
                    + " (it takes at most 150 MB of attachments per mailbox in 5 minutes) and stopped " + attachment.name()
                    + " half way. Nothing was sent; try again in " + seconds + " seconds.", failure.retryAfter(), refused);
        }
        return GraphMail.translate(refused, acting);
    }

    static FileAttachment fileAttachment(OutgoingAttachment attachment) {
        FileAttachment file = new FileAttachment();
        file.setName(attachment.name());
        file.setContentType(attachment.contentType());
        try {
            file.setContentBytes(Files.readAllBytes(attachment.file()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
