-- Search (issue 17 §4): the q filter of the inbox and the conversations finds words of the subject and the body text with
-- PostgreSQL full-text search, and any part of the subject, the sender's and the recipients' names and addresses with
-- trigram indexes (pg_trgm, a contrib module: in the embedded PostgreSQL and required in production, see
-- docs/deployment.md). Both are GIN indexes, so a rare term is found without reading the workspace's messages.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The body as plain text, at most 32,000 characters (messages.control.BodyText, written by sync with the body). Rows
-- stored before this version get a rougher text here (tags and style/script blocks removed, common entities decoded);
-- the next sync of a changed message writes the exact one.
ALTER TABLE message ADD COLUMN body_text text;
UPDATE message SET body_text = left(CASE WHEN lower(body_type) = 'html' THEN
        replace(replace(replace(replace(replace(replace(
            regexp_replace(regexp_replace(regexp_replace(regexp_replace(body, '<style.*?</style\s*>', ' ', 'gi'),
                '<script.*?</script\s*>', ' ', 'gi'), '<!--.*?-->', ' ', 'g'), '<[^>]*>', ' ', 'g'),
            '&nbsp;', ' '), '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&amp;', '&')
        ELSE body END, 32000)
    WHERE body IS NOT NULL;

-- Words, language-aware (the 'english' configuration: stems, no stop words), weighted: subject before body. Kept on
-- the row so that a query walking the newest-first index checks a row without parsing its text.
ALTER TABLE message ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(subject, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(from_name, '') || ' ' || coalesce(sender_name, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(body_text, '')), 'D')) STORED;
CREATE INDEX message_search_words ON message USING gin (search_vector);

-- Parts of words and addresses: subject, from, sender, To and Cc (the recipients' JSON without its keys), matched by
-- ILIKE '%…%' with % and _ escaped.
ALTER TABLE message ADD COLUMN search_fields text GENERATED ALWAYS AS (
    coalesce(subject, '') || ' ' || coalesce(from_name, '') || ' ' || coalesce(from_address, '') || ' '
        || coalesce(sender_name, '') || ' ' || coalesce(sender_address, '') || ' '
        || coalesce(regexp_replace(to_recipients, '"(name|address)":', '', 'g'), '') || ' '
        || coalesce(regexp_replace(cc_recipients, '"(name|address)":', '', 'g'), '')) STORED;
CREATE INDEX message_search_fields ON message USING gin (search_fields gin_trgm_ops);
