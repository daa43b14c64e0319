package com.workestra.sharedmailboxes.messages.control;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The threading rule: which workspace-level conversation (thread) a newly stored message belongs to. Two messages are in
 * one thread when they are linked, directly or through others, by
 * <ul>
 *     <li>Outlook's conversation in one mailbox: the same mailbox and Graph {@code conversationId} (so a message is never
 *     in two threads of one mailbox, and our own replies in Sent Items join the customer's thread);</li>
 *     <li>the same {@code internetMessageId} (one mail delivered to support@ and cc'd to sales@, or a copy in Inbox and
 *     Sent Items);</li>
 *     <li>a reply and what it answers: an {@code internetMessageId} named in its In-Reply-To or References header.</li>
 * </ul>
 * The links are kept per workspace in {@code conversation_key} (one row per key, pointing at its thread), so the rule
 * needs one indexed look-up per page and gives the same threads whatever order the mailboxes and folders are synced in: a
 * message that links two threads merges them (the younger thread joins the older one, whose id is smaller). Runs in
 * the sync's transaction before the page's rows are written (so each row is written once, with its thread), under a
 * per-workspace lock ({@link #lockWorkspace}), so two mailboxes of a workspace synced at once never start two threads
 * for one mail.
 */
public final class ConversationThreads {

    /** At most this many referenced ids per message: the first (the thread's root) and the latest ones. */
    static final int MAX_REFERENCES = 10;

    private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");

    private ConversationThreads() {
    }

    /** A message about to be stored: its Graph id and what may link it to others. */
    public record NewMessage(String graphId, String conversationId, String internetMessageId, List<String> references) {
    }

    /** The message ids named in In-Reply-To and References header values, in order, each once. */
    public static List<String> messageIds(String... headerValues) {
        Set<String> ids = new LinkedHashSet<>();
        for (String value : headerValues) {
            if (value == null) {
                continue;
            }
            Matcher matcher = MESSAGE_ID.matcher(value);
            while (matcher.find()) {
                ids.add(matcher.group());
            }
        }
        return List.copyOf(ids);
    }

    /** The keys that link a message of {@code mailboxId} to its thread. */
    static List<String> keys(UUID mailboxId, NewMessage message) {
        List<String> keys = new ArrayList<>();
        if (message.conversationId() != null && !message.conversationId().isBlank()) {
            keys.add("c:" + mailboxId + ":" + message.conversationId());
        }
        if (message.internetMessageId() != null && !message.internetMessageId().isBlank()) {
            keys.add("m:" + message.internetMessageId().trim());
        }
        List<String> references = message.references() == null ? List.of() : message.references();
        for (int i = 0; i < references.size(); i++) {
            if (i == 0 || i >= references.size() - (MAX_REFERENCES - 1)) {
                String reference = references.get(i);
                if (reference != null && !reference.isBlank()) {
                    keys.add("m:" + reference.trim());
                }
            }
        }
        return keys;
    }

    /**
     * Serialises the thread assignment of one workspace: taken before a page's rows are written and held until its
     * transaction ends.
     *
     * @return the mailbox's workspace
     */
    public static String lockWorkspace(Connection connection, UUID mailboxId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT workspace_id,"
                + " pg_advisory_xact_lock(hashtextextended('conversation:' || workspace_id, 0)) FROM mailbox WHERE id = ?")) {
            statement.setObject(1, mailboxId);
            try (ResultSet rows = statement.executeQuery()) {
                String workspaceId = null;
                while (rows.next()) {
                    workspaceId = rows.getString(1);
                }
                return workspaceId;
            }
        }
    }

    /**
     * The thread of each message of a page of {@code mailboxId}, by Graph id, before the page is written: joining,
     * starting or merging threads (a merge renumbers the stored messages and keys of the younger thread). A message
     * already stored finds its own thread through its keys, so a page applied again changes nothing.
     */
    public static Map<String, Long> assign(Connection connection, String workspaceId, UUID mailboxId, List<NewMessage> messages)
            throws SQLException {
        Map<String, Long> threadOfMessage = new HashMap<>();
        if (messages.isEmpty() || workspaceId == null) {
            return threadOfMessage;
        }
        // Union-find over the page's messages (as "#" and their Graph id) and their keys.
        Map<String, String> nodeOf = new LinkedHashMap<>();
        Set<String> allKeys = new HashSet<>();
        UnionFind groups = new UnionFind();
        for (NewMessage message : messages) {
            String node = "#" + message.graphId();
            nodeOf.put(message.graphId(), node);
            groups.add(node);
            for (String key : keys(mailboxId, message)) {
                allKeys.add(key);
                groups.union(node, key);
            }
        }
        Map<String, Long> known = known(connection, workspaceId, allKeys);

        Map<String, Set<Long>> existingOf = new HashMap<>();
        known.forEach((key, thread) -> existingOf.computeIfAbsent(groups.find(key), root -> new TreeSet<>()).add(thread));
        Set<String> roots = new LinkedHashSet<>();
        nodeOf.values().forEach(node -> roots.add(groups.find(node)));
        List<String> fresh = roots.stream().filter(root -> !existingOf.containsKey(root)).toList();
        List<Long> numbers = newThreads(connection, fresh.size());
        Map<String, Long> targetOf = new HashMap<>();
        for (int i = 0; i < fresh.size(); i++) {
            targetOf.put(fresh.get(i), numbers.get(i));
        }
        existingOf.forEach((root, threads) -> targetOf.put(root, threads.iterator().next()));

        nodeOf.forEach((graphId, node) -> threadOfMessage.put(graphId, targetOf.get(groups.find(node))));
        Map<Long, Long> merged = new TreeMap<>();
        existingOf.forEach((root, threads) -> threads.forEach(thread -> {
            long target = targetOf.get(root);
            if (thread != target) {
                merged.put(thread, target);
            }
        }));
        Map<String, Long> threadOfKey = new TreeMap<>();
        allKeys.forEach(key -> {
            long thread = targetOf.get(groups.find(key));
            if (!Long.valueOf(thread).equals(known.get(key))) {
                threadOfKey.put(key, thread);
            }
        });

        if (!merged.isEmpty()) {
            Long[] from = merged.keySet().toArray(Long[]::new);
            Long[] to = merged.values().toArray(Long[]::new);
            update(connection, "UPDATE message m SET thread_id = u.target FROM unnest(?::bigint[], ?::bigint[]) AS u(old, target)"
                    + " WHERE m.workspace_id = ? AND m.thread_id = u.old", from, to, workspaceId);
            update(connection, "UPDATE conversation_key k SET thread_id = u.target FROM unnest(?::bigint[], ?::bigint[]) AS u(old, target)"
                    + " WHERE k.workspace_id = ? AND k.thread_id = u.old", from, to, workspaceId);
        }
        if (!threadOfKey.isEmpty()) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "INSERT INTO conversation_key (workspace_id, key, thread_id) SELECT ?, u.key, u.target"
                            + " FROM unnest(?::text[], ?::bigint[]) AS u(key, target)"
                            + " ON CONFLICT (workspace_id, key) DO UPDATE SET thread_id = EXCLUDED.thread_id"
                            + " WHERE conversation_key.thread_id <> EXCLUDED.thread_id")) {
                statement.setString(1, workspaceId);
                statement.setArray(2, connection.createArrayOf("text", threadOfKey.keySet().toArray(String[]::new)));
                statement.setArray(3, connection.createArrayOf("bigint", threadOfKey.values().toArray(Long[]::new)));
                statement.executeUpdate();
            }
        }
        return threadOfMessage;
    }

    private static List<Long> newThreads(Connection connection, int count) throws SQLException {
        List<Long> numbers = new ArrayList<>(count);
        if (count == 0) {
            return numbers;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT nextval('conversation_thread') FROM generate_series(1, ?)")) {
            statement.setInt(1, count);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    numbers.add(rows.getLong(1));
                }
            }
        }
        return numbers;
    }

    private static Map<String, Long> known(Connection connection, String workspaceId, Set<String> keys) throws SQLException {
        Map<String, Long> known = new HashMap<>();
        if (keys.isEmpty()) {
            return known;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT key, thread_id FROM conversation_key WHERE workspace_id = ? AND key = ANY (?::text[])")) {
            statement.setString(1, workspaceId);
            statement.setArray(2, connection.createArrayOf("text", keys.toArray(String[]::new)));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    known.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return known;
    }

    private static void update(Connection connection, String sql, Long[] first, Long[] second, String workspaceId)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("bigint", first));
            statement.setArray(2, connection.createArrayOf("bigint", second));
            if (workspaceId != null) {
                statement.setString(3, workspaceId);
            }
            statement.executeUpdate();
        }
    }

    private static final class UnionFind {
        private final Map<String, String> parent = new HashMap<>();

        void add(String node) {
            parent.putIfAbsent(node, node);
        }

        String find(String node) {
            add(node);
            String root = node;
            while (!root.equals(parent.get(root))) {
                root = parent.get(root);
            }
            while (!node.equals(root)) {
                String next = parent.get(node);
                parent.put(node, root);
                node = next;
            }
            return root;
        }

        void union(String a, String b) {
            String ra = find(a);
            String rb = find(b);
            if (!ra.equals(rb)) {
                parent.put(ra, rb);
            }
        }
    }
}
