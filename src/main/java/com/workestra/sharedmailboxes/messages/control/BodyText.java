package com.workestra.sharedmailboxes.messages.control;

import org.jsoup.Jsoup;

import java.util.regex.Pattern;

/**
 * The body as search reads it: the text a reader sees (HTML parsed by jsoup: tags, styles and scripts gone, entities
 * decoded), whitespace collapsed, at most {@link #MAX_LENGTH} characters, so one huge mail cannot bloat the index.
 */
public final class BodyText {

    /** What search indexes of a body; mail text beyond this is rarely what someone searches for. */
    public static final int MAX_LENGTH = 32_000;

    /** Compiled once: {@code String.replaceAll} compiles its pattern on every call (a sixth of a page's store). */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private BodyText() {
    }

    /** The plain text of a body of Graph's {@code contentType} (html or text); null for no body. */
    public static String of(String bodyType, String body) {
        if (body == null) {
            return null;
        }
        String text = "html".equalsIgnoreCase(bodyType) ? Jsoup.parse(body).text() : WHITESPACE.matcher(body.strip()).replaceAll(" ");
        if (text.length() > MAX_LENGTH) {
            int end = MAX_LENGTH;
            if (Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            text = text.substring(0, end);
        }
        return text;
    }
}
