package com.workestra.sharedmailboxes.messages.control;

import java.util.List;

/**
 * The {@code q} filter of the inbox and the conversations, one SQL condition on {@code message m} for every query that
 * lists messages: the words of {@code q} in the subject, the sender's name or the body text (full-text search with the
 * 'english' configuration, so "invoices" finds "invoice"; GIN index {@code message_search_words}), or {@code q} as it is
 * anywhere in the subject, the From and Sender names and addresses and the To and Cc recipients (case-insensitive,
 * {@code %} and {@code _} literal; trigram index {@code message_search_fields}). See V19__message_search.sql.
 */
final class SearchClause {

    static final String CONDITION =
            " AND (m.search_vector @@ plainto_tsquery('english', ?) OR m.search_fields ILIKE ? ESCAPE '\\')";

    private final String text;

    private SearchClause(String text) {
        this.text = text;
    }

    /** The clause for a search text; none (an empty clause) for null or blank. */
    static SearchClause of(String search) {
        return new SearchClause(search == null || search.isBlank() ? null : search.trim());
    }

    boolean isEmpty() {
        return text == null;
    }

    /**
     * How the search of the matches across the workspace names the caller's mailboxes: as a filter, not an index
     * condition, so that PostgreSQL does not fetch every message of the caller's mailboxes through the per-mailbox index
     * to test the words (measured: 66 ms for a term found once in 100,000 messages) but finds the matches through the GIN
     * indexes.
     */
    static final String MAILBOXES_OF_WORKSPACE = " AND (m.mailbox_id = ANY (?::uuid[])) IS TRUE";

    /** The condition, starting with AND, or nothing. */
    String sql() {
        return text == null ? "" : CONDITION;
    }

    /** The condition's parameters, in order (none without a search): the one way its placeholders are bound. */
    List<Object> parameters() {
        return text == null ? List.of() : List.of(text, "%" + escapeLike(text) + "%");
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
