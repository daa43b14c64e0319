package com.workestra.sharedmailboxes.m365emulator;

import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Exchange-like opaque ids. Regular ids and immutable ids (Prefer: IdType="ImmutableId") look different,
 * as they do in Graph, and both are accepted in requests.
 */
final class MessageIds {

    private static final String REGULAR_PREFIX = "AAMkAD";
    private static final String IMMUTABLE_PREFIX = "AAkALgAA";
    private static final String FOLDER_PREFIX = "AQMkAD";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    record ItemRef(int mailbox, long key) {
    }

    private MessageIds() {
    }

    static String message(int mailbox, long key, boolean immutable) {
        byte[] bytes = ByteBuffer.allocate(12).putInt(mailbox).putLong(key).array();
        return (immutable ? IMMUTABLE_PREFIX : REGULAR_PREFIX) + ENCODER.encodeToString(bytes);
    }

    static ItemRef parseMessage(String id) {
        String encoded;
        if (id.startsWith(IMMUTABLE_PREFIX) && id.length() == IMMUTABLE_PREFIX.length() + 16) {
            encoded = id.substring(IMMUTABLE_PREFIX.length());
        } else if (id.startsWith(REGULAR_PREFIX) && id.length() == REGULAR_PREFIX.length() + 16) {
            encoded = id.substring(REGULAR_PREFIX.length());
        } else {
            return null;
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(DECODER.decode(encoded));
            return new ItemRef(buffer.getInt(), buffer.getLong());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String folder(int mailbox, int folder) {
        return FOLDER_PREFIX + ENCODER.encodeToString(ByteBuffer.allocate(8).putInt(mailbox).putInt(folder).array());
    }

    static int[] parseFolder(String id) {
        if (!id.startsWith(FOLDER_PREFIX) || id.length() != FOLDER_PREFIX.length() + 11) {
            return null;
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(DECODER.decode(id.substring(FOLDER_PREFIX.length())));
            return new int[] {buffer.getInt(), buffer.getInt()};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Exchange change keys start with "CQAAABYAAAA"; ours carry the change sequence number after that. */
    static String changeKey(long seq) {
        return "CQAAABYAAAA" + ENCODER.encodeToString(ByteBuffer.allocate(8).putLong(seq).array());
    }
}
