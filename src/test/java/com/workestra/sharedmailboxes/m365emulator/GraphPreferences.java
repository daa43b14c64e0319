package com.workestra.sharedmailboxes.m365emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Prefer} header as Graph's mail endpoints read it: immutable ids, {@code odata.maxpagesize}, text bodies;
 * and the {@code Preference-Applied} answer.
 */
final class GraphPreferences {

    private static final Pattern MAX_PAGE_SIZE_PREFERENCE = Pattern.compile("odata\\.maxpagesize\\s*=\\s*(\\d+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern IMMUTABLE_ID_PREFERENCE = Pattern.compile("IdType\\s*=\\s*\"?ImmutableId\"?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TEXT_BODY_PREFERENCE = Pattern.compile("outlook\\.body-content-type\\s*=\\s*\"?text\"?",
            Pattern.CASE_INSENSITIVE);

    private GraphPreferences() {
    }

    static boolean immutableIds(HttpCall call) {
        for (String prefer : call.headers("Prefer")) {
            if (IMMUTABLE_ID_PREFERENCE.matcher(prefer).find()) {
                return true;
            }
        }
        return false;
    }

    static Integer maxPageSize(HttpCall call) {
        for (String prefer : call.headers("Prefer")) {
            Matcher matcher = MAX_PAGE_SIZE_PREFERENCE.matcher(prefer);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return null;
    }

    static void applied(HttpCall call, boolean immutable, Integer pageSize) {
        List<String> applied = new ArrayList<>();
        if (pageSize != null) {
            applied.add("odata.maxpagesize=" + pageSize);
        }
        if (immutable) {
            applied.add("IdType=\"ImmutableId\"");
        }
        if (!applied.isEmpty()) {
            call.setHeader("Preference-Applied", String.join(", ", applied));
        }
    }

    /** The message with its HTML body as text when the caller prefers {@code outlook.body-content-type="text"}. */
    static MailMessage textBodyIfPreferred(HttpCall call, MailMessage message) {
        if (!"html".equalsIgnoreCase(message.bodyContentType())) {
            return message;
        }
        for (String prefer : call.headers("Prefer")) {
            if (TEXT_BODY_PREFERENCE.matcher(prefer).find()) {
                String text = Html.unescape(message.body().replaceAll("<br\\s*/?>", "\n").replaceAll("<[^>]*>", "")).trim();
                return new MailMessage(message.key(), message.folder(), message.seq(), message.createdSeq(), false,
                        message.subject(), "text", text, message.from(), message.sender(), message.to(), message.cc(),
                        message.receivedMillis(), message.sentMillis(), message.modifiedMillis(), message.isRead(),
                        message.isDraft(), message.conversationId(), message.internetMessageId(), message.inReplyTo(),
                        message.references());
            }
        }
        return message;
    }
}
