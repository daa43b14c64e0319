package com.workestra.sharedmailboxes.messages.control;

import com.workestra.sharedmailboxes.messages.entity.Folder;
import com.workestra.sharedmailboxes.messages.entity.MessageChange;
import com.workestra.sharedmailboxes.messages.entity.Recipient;
import com.workestra.sharedmailboxes.messages.entity.Removal;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Writes delta pages into the message table with idempotent, set-based statements keyed on (mailbox, folder, Graph id):
 * the same page applied twice, or by two connections to one mailbox, leaves the same rows; a message moved between
 * synced folders keeps its row (see {@link #MOVE_HERE}). Runs on the caller's
 * connection, inside the caller's transaction (the page and its cursor commit together). Each row is written with its
 * conversation ({@link ConversationThreads}), decided just before.
 */
@ApplicationScoped
public class MessageStore {

    static final String UPSERT = """
            INSERT INTO message AS m (mailbox_id, workspace_id, folder, graph_id, internet_message_id, conversation_id, subject,
                from_name, from_address, sender_name, sender_address, to_recipients, cc_recipients, received_at, is_read,
                has_attachments, preview, body_type, body, change_key, synced_at, thread_id, body_text)
            SELECT b.id, b.workspace_id, ?, u.graph_id, u.internet_message_id, u.conversation_id, u.subject, u.from_name, u.from_address,
                u.sender_name, u.sender_address, u.to_recipients, u.cc_recipients, u.received_at, COALESCE(u.is_read, false),
                COALESCE(u.has_attachments, false), u.preview, u.body_type, u.body, u.change_key, ?, u.thread_id,
                u.body_text
            FROM mailbox b, unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::text[], ?::text[], ?::timestamptz[], ?::boolean[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[],
                ?::bigint[], ?::text[])
                AS u(graph_id, internet_message_id, conversation_id, subject, from_name, from_address, sender_name,
                     sender_address, to_recipients, cc_recipients, received_at, is_read, has_attachments, preview, body_type,
                     body, change_key, thread_id, body_text)
            WHERE b.id = ?
            ON CONFLICT (mailbox_id, folder, graph_id) DO UPDATE SET
                internet_message_id = COALESCE(EXCLUDED.internet_message_id, m.internet_message_id),
                conversation_id = COALESCE(EXCLUDED.conversation_id, m.conversation_id),
                subject = COALESCE(EXCLUDED.subject, m.subject),
                from_name = COALESCE(EXCLUDED.from_name, m.from_name),
                from_address = COALESCE(EXCLUDED.from_address, m.from_address),
                sender_name = COALESCE(EXCLUDED.sender_name, m.sender_name),
                sender_address = COALESCE(EXCLUDED.sender_address, m.sender_address),
                to_recipients = COALESCE(EXCLUDED.to_recipients, m.to_recipients),
                cc_recipients = COALESCE(EXCLUDED.cc_recipients, m.cc_recipients),
                received_at = EXCLUDED.received_at,
                is_read = EXCLUDED.is_read,
                has_attachments = EXCLUDED.has_attachments,
                preview = COALESCE(EXCLUDED.preview, m.preview),
                body_type = COALESCE(EXCLUDED.body_type, m.body_type),
                body = COALESCE(EXCLUDED.body, m.body),
                body_text = COALESCE(EXCLUDED.body_text, m.body_text),
                change_key = COALESCE(EXCLUDED.change_key, m.change_key),
                removed_at = NULL,
                removed_reason = NULL,
                moved_to = NULL,
                synced_at = EXCLUDED.synced_at,
                thread_id = COALESCE(m.thread_id, EXCLUDED.thread_id)
            WHERE m.removed_at IS NOT NULL
               OR m.change_key IS DISTINCT FROM EXCLUDED.change_key
               OR m.is_read IS DISTINCT FROM EXCLUDED.is_read
               OR m.thread_id IS NULL
            """;

    /*
     * A message a folder's delta lists as new may be one the store has in another folder of the mailbox: it was moved
     * (in Outlook, by a rule, by a colleague) and its immutable id stayed. That row moves with it, keeping its id and
     * thread, so the upsert below updates it instead of adding a second. Whichever order the two folders' deltas come
     * in: when the source's @removed came first, the row is brought back here; when it comes later, it no longer
     * matches (REMOVE is per folder). A mailbox with two rows of one id from before (a removed one and a live one)
     * moves the live one, or the newest.
     */
    static final String MOVE_HERE = """
            UPDATE message AS m SET folder = ?, removed_at = NULL, removed_reason = NULL, moved_to = NULL, synced_at = ?
            WHERE m.id IN (SELECT DISTINCT ON (x.graph_id) x.id FROM message x
                            WHERE x.mailbox_id = ? AND x.graph_id = ANY (?::text[]) AND x.folder <> ?
                            ORDER BY x.graph_id, x.removed_at IS NOT NULL, x.id DESC)
              AND NOT EXISTS (SELECT 1 FROM message y WHERE y.mailbox_id = m.mailbox_id AND y.folder = ? AND y.graph_id = m.graph_id)
            """;

    static final String PARTIAL_UPDATE = """
            UPDATE message AS m SET
                subject = COALESCE(u.subject, m.subject),
                is_read = COALESCE(u.is_read, m.is_read),
                has_attachments = COALESCE(u.has_attachments, m.has_attachments),
                preview = COALESCE(u.preview, m.preview),
                body_type = COALESCE(u.body_type, m.body_type),
                body = COALESCE(u.body, m.body),
                body_text = COALESCE(u.body_text, m.body_text),
                change_key = COALESCE(u.change_key, m.change_key),
                removed_at = NULL,
                synced_at = ?
            FROM unnest(?::text[], ?::text[], ?::boolean[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                AS u(graph_id, subject, is_read, has_attachments, preview, body_type, body, change_key, body_text)
            WHERE m.mailbox_id = ? AND m.folder = ? AND m.graph_id = u.graph_id
            """;

    static final String REMOVE = """
            UPDATE message AS m SET removed_at = ?, synced_at = ?, removed_reason = u.reason, moved_to = u.moved_to
            FROM unnest(?::text[], ?::text[], ?::text[]) AS u(graph_id, reason, moved_to)
            WHERE m.mailbox_id = ? AND m.folder = ? AND m.graph_id = u.graph_id AND m.removed_at IS NULL
            """;

    /**
     * Applies one page. Items repeated within the page are merged (later fields win); complete items older than
     * {@code notBefore} (the configured history depth) are skipped.
     *
     * @return how many items of the page were applied
     */
    public int apply(Connection connection, UUID mailboxId, Folder folder, List<MessageChange> changes, Instant now,
                     Instant notBefore) throws SQLException {
        return apply(connection, mailboxId, folder, changes, now, notBefore, Map.of());
    }

    /**
     * Applies one page, recording for its removals why they left the folder, where Exchange said so ({@code removals}
     * by Graph id; a removal without an entry has no known reason).
     */
    public int apply(Connection connection, UUID mailboxId, Folder folder, List<MessageChange> changes, Instant now,
                     Instant notBefore, Map<String, Removal> removals) throws SQLException {
        // Sorted by Graph id so that two connections writing one mailbox lock rows in the same order.
        Map<String, MessageChange> merged = new TreeMap<>();
        for (MessageChange change : changes) {
            if (change.graphId() == null || change.graphId().isBlank()) {
                continue;
            }
            merged.merge(change.graphId(), change, MessageChange::overlaidWith);
        }
        List<MessageChange> complete = new ArrayList<>();
        List<MessageChange> partial = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (MessageChange change : merged.values()) {
            if (change.removed()) {
                removed.add(change.graphId());
            } else if (change.isComplete()) {
                if (notBefore == null || !change.receivedAt().isBefore(notBefore)) {
                    complete.add(change);
                }
            } else {
                partial.add(change);
            }
        }
        Timestamp at = Timestamp.from(now);
        if (!complete.isEmpty()) {
            // Before any row is written: threads are assigned one page at a time per workspace, and each row is written
            // once, with its thread.
            String workspaceId = ConversationThreads.lockWorkspace(connection, mailboxId);
            Map<String, Long> threads = ConversationThreads.assign(connection, workspaceId, mailboxId, complete.stream()
                    .map(change -> new ConversationThreads.NewMessage(change.graphId(), change.conversationId(),
                            change.internetMessageId(), change.references())).toList());
            moveHere(connection, mailboxId, folder, complete, at);
            upsert(connection, mailboxId, folder, complete, at, threads);
        }
        if (!partial.isEmpty()) {
            updatePartially(connection, mailboxId, folder, partial, at);
        }
        if (!removed.isEmpty()) {
            String[] reasons = new String[removed.size()];
            String[] movedTo = new String[removed.size()];
            for (int i = 0; i < reasons.length; i++) {
                Removal removal = removals.get(removed.get(i));
                reasons[i] = removal == null ? null : removal.reason().name();
                movedTo[i] = removal == null ? null : removal.movedTo();
            }
            try (PreparedStatement statement = connection.prepareStatement(REMOVE)) {
                statement.setTimestamp(1, at);
                statement.setTimestamp(2, at);
                statement.setArray(3, connection.createArrayOf("text", removed.toArray(String[]::new)));
                statement.setArray(4, connection.createArrayOf("text", reasons));
                statement.setArray(5, connection.createArrayOf("text", movedTo));
                statement.setObject(6, mailboxId);
                statement.setString(7, folder.name());
                statement.executeUpdate();
            }
        }
        return complete.size() + partial.size() + removed.size();
    }

    /**
     * Stamps the rows a fresh round lists (its changes other than removals) as seen now, also those the upsert left
     * alone because nothing changed: {@link #removeUnlisted} keeps them.
     */
    public void markListed(Connection connection, UUID mailboxId, Folder folder, List<MessageChange> changes, Instant now)
            throws SQLException {
        List<String> listed = new ArrayList<>(changes.size());
        for (MessageChange change : changes) {
            if (!change.removed() && change.graphId() != null && !change.graphId().isBlank()) {
                listed.add(change.graphId());
            }
        }
        if (listed.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("UPDATE message SET synced_at = ? WHERE mailbox_id = ?"
                + " AND folder = ? AND graph_id = ANY (?::text[]) AND synced_at < ? AND removed_at IS NULL")) {
            Timestamp at = Timestamp.from(now);
            statement.setTimestamp(1, at);
            statement.setObject(2, mailboxId);
            statement.setString(3, folder.name());
            statement.setArray(4, connection.createArrayOf("text", listed.toArray(String[]::new)));
            statement.setTimestamp(5, at);
            statement.executeUpdate();
        }
    }

    /**
     * The fresh round that began at {@code since} has completed: rows of the folder it did not list (none of its pages
     * stamped them, and no other connection's sync wrote them since) were deleted in Exchange meanwhile, and are marked
     * removed like an {@code @removed} item. Only within what the round covers: messages received before
     * {@code notBefore} (the history depth) are never listed, so they are left alone.
     *
     * @return how many rows were removed
     */
    public int removeUnlisted(Connection connection, UUID mailboxId, Folder folder, Instant since, Instant notBefore, Instant now)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE message SET removed_at = ?, synced_at = ?"
                + " WHERE mailbox_id = ? AND folder = ? AND removed_at IS NULL AND synced_at < ?"
                + " AND (CAST(? AS timestamptz) IS NULL OR received_at >= ?)")) {
            Timestamp at = Timestamp.from(now);
            Timestamp cutoff = notBefore == null ? null : Timestamp.from(notBefore);
            statement.setTimestamp(1, at);
            statement.setTimestamp(2, at);
            statement.setObject(3, mailboxId);
            statement.setString(4, folder.name());
            statement.setTimestamp(5, Timestamp.from(since));
            statement.setTimestamp(6, cutoff);
            statement.setTimestamp(7, cutoff);
            return statement.executeUpdate();
        }
    }

    private static void upsert(Connection connection, UUID mailboxId, Folder folder, List<MessageChange> rows, Timestamp at,
                               Map<String, Long> threads) throws SQLException {
        int n = rows.size();
        String[][] text = new String[14][n];
        String[] received = new String[n];
        Boolean[] read = new Boolean[n];
        Boolean[] attachments = new Boolean[n];
        Long[] threadIds = new Long[n];
        String[] bodyTexts = new String[n];
        for (int i = 0; i < n; i++) {
            MessageChange row = rows.get(i);
            threadIds[i] = threads.get(row.graphId());
            text[0][i] = row.graphId();
            text[1][i] = row.internetMessageId();
            text[2][i] = row.conversationId();
            text[3][i] = row.subject();
            text[4][i] = nameOf(row.from());
            text[5][i] = addressOf(row.from());
            text[6][i] = nameOf(row.sender());
            text[7][i] = addressOf(row.sender());
            text[8][i] = RecipientsJson.write(row.to());
            text[9][i] = RecipientsJson.write(row.cc());
            text[10][i] = row.preview();
            text[11][i] = row.bodyType();
            text[12][i] = row.body();
            bodyTexts[i] = BodyText.of(row.bodyType(), row.body());
            text[13][i] = row.changeKey();
            received[i] = row.receivedAt().toString();
            read[i] = row.isRead();
            attachments[i] = row.hasAttachments();
        }
        try (PreparedStatement statement = connection.prepareStatement(UPSERT)) {
            int p = 1;
            statement.setString(p++, folder.name());
            statement.setTimestamp(p++, at);
            for (int column = 0; column < 10; column++) {
                statement.setArray(p++, connection.createArrayOf("text", text[column]));
            }
            statement.setArray(p++, connection.createArrayOf("text", received));
            statement.setArray(p++, connection.createArrayOf("bool", read));
            statement.setArray(p++, connection.createArrayOf("bool", attachments));
            for (int column = 10; column < 14; column++) {
                statement.setArray(p++, connection.createArrayOf("text", text[column]));
            }
            statement.setArray(p++, connection.createArrayOf("bigint", threadIds));
            statement.setArray(p++, connection.createArrayOf("text", bodyTexts));
            statement.setObject(p, mailboxId);
            statement.executeUpdate();
        }
    }

    private static void moveHere(Connection connection, UUID mailboxId, Folder folder, List<MessageChange> rows, Timestamp at)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(MOVE_HERE)) {
            statement.setString(1, folder.name());
            statement.setTimestamp(2, at);
            statement.setObject(3, mailboxId);
            statement.setArray(4, connection.createArrayOf("text", rows.stream().map(MessageChange::graphId).toArray(String[]::new)));
            statement.setString(5, folder.name());
            statement.setString(6, folder.name());
            statement.executeUpdate();
        }
    }

    private static void updatePartially(Connection connection, UUID mailboxId, Folder folder, List<MessageChange> rows,
                                        Timestamp at) throws SQLException {
        int n = rows.size();
        String[] ids = new String[n];
        String[] subjects = new String[n];
        Boolean[] read = new Boolean[n];
        Boolean[] attachments = new Boolean[n];
        String[] previews = new String[n];
        String[] bodyTypes = new String[n];
        String[] bodies = new String[n];
        String[] changeKeys = new String[n];
        String[] bodyTexts = new String[n];
        for (int i = 0; i < n; i++) {
            MessageChange row = rows.get(i);
            ids[i] = row.graphId();
            subjects[i] = row.subject();
            read[i] = row.isRead();
            attachments[i] = row.hasAttachments();
            previews[i] = row.preview();
            bodyTypes[i] = row.bodyType();
            bodies[i] = row.body();
            changeKeys[i] = row.changeKey();
            bodyTexts[i] = BodyText.of(row.bodyType(), row.body());
        }
        try (PreparedStatement statement = connection.prepareStatement(PARTIAL_UPDATE)) {
            statement.setTimestamp(1, at);
            statement.setArray(2, connection.createArrayOf("text", ids));
            statement.setArray(3, connection.createArrayOf("text", subjects));
            statement.setArray(4, connection.createArrayOf("bool", read));
            statement.setArray(5, connection.createArrayOf("bool", attachments));
            statement.setArray(6, connection.createArrayOf("text", previews));
            statement.setArray(7, connection.createArrayOf("text", bodyTypes));
            statement.setArray(8, connection.createArrayOf("text", bodies));
            statement.setArray(9, connection.createArrayOf("text", changeKeys));
            statement.setArray(10, connection.createArrayOf("text", bodyTexts));
            statement.setObject(11, mailboxId);
            statement.setString(12, folder.name());
            statement.executeUpdate();
        }
    }

    private static String nameOf(Recipient recipient) {
        return recipient == null ? null : recipient.name();
    }

    private static String addressOf(Recipient recipient) {
        return recipient == null ? null : recipient.address();
    }
}
