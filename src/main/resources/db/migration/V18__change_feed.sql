-- The change feed (issue 16 §4): what happened to messages, conversations and connections' health, per workspace, in
-- the order it was committed, written by the database in the very transaction that made the change (triggers below),
-- so no writer can forget it and a change is durable exactly when what it describes is.
--
-- Commit order vs numbering: a change's position (seq) in its workspace's feed is given at COMMIT time, by a deferred
-- constraint trigger that takes the workspace's counter row (change_counter) and numbers the transaction's changes
-- after the last committed ones. The counter row stays locked until that transaction has committed, so positions are
-- handed out in commit order: a reader that sees position n sees every position below n, and never skips a change
-- that was numbered earlier but committed later (no such change exists). The lock is taken last, after every other
-- statement of the transaction (nothing waits while holding it but the commit itself), so it cannot deadlock with the
-- row locks taken before; it serialises only the commits of one workspace's writers.

CREATE TABLE change_counter (
    workspace_id  varchar(128) PRIMARY KEY,
    last_seq      bigint       NOT NULL
);

CREATE TABLE change (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id   varchar(128) NOT NULL,
    seq            bigint,                                      -- the position in the workspace's feed, set at commit
    tx             xid8         NOT NULL DEFAULT pg_current_xact_id(),
    at             timestamptz  NOT NULL DEFAULT clock_timestamp(),
    type           varchar(32)  NOT NULL CHECK (type IN ('message.added', 'message.updated', 'message.removed',
                                                        'message.moved', 'conversation.updated', 'connection.health')),
    -- a message's (and its conversation's) change: whose mailbox, and when the message was received (the access rule)
    mailbox_id     uuid,
    message_id     bigint,
    thread_id      bigint,
    received_at    timestamptz,
    -- a connection's health: whose connection
    connection_id  uuid,
    user_id        varchar(128)
);
CREATE UNIQUE INDEX change_in_order ON change (workspace_id, seq);
CREATE INDEX change_to_number ON change (tx) WHERE seq IS NULL;
CREATE INDEX change_by_age ON change (at);

-- The transactions with changes still to number, one row each while they run: its deferred trigger fires once, at
-- commit (a trigger per change would fire hundreds of times for one page of mail).
CREATE TABLE change_commit (
    tx  xid8 PRIMARY KEY
);

CREATE FUNCTION change_to_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO change_commit (tx) VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION change_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH pending AS (
        SELECT id, workspace_id, row_number() OVER (PARTITION BY workspace_id ORDER BY id) AS n
          FROM change WHERE tx = NEW.tx AND seq IS NULL),
    counts AS (
        SELECT workspace_id, count(*) AS c FROM pending GROUP BY workspace_id ORDER BY workspace_id),
    bumped AS (
        INSERT INTO change_counter AS k (workspace_id, last_seq) SELECT workspace_id, c FROM counts
        ON CONFLICT (workspace_id) DO UPDATE SET last_seq = k.last_seq + EXCLUDED.last_seq
        RETURNING k.workspace_id, k.last_seq)
    UPDATE change ch SET seq = b.last_seq - k.c + p.n
      FROM pending p JOIN counts k ON k.workspace_id = p.workspace_id JOIN bumped b ON b.workspace_id = p.workspace_id
     WHERE ch.id = p.id;
    DELETE FROM change_commit WHERE tx = NEW.tx;
    RETURN NULL;
END $$;

CREATE TRIGGER change_to_number AFTER INSERT ON change FOR EACH STATEMENT EXECUTE FUNCTION change_to_number();
CREATE CONSTRAINT TRIGGER change_numbered_at_commit AFTER INSERT ON change_commit
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION change_number();

-- Messages: stored (added, or back after a removal), changed in what a person sees (read state, content, its
-- conversation), removed (deleted, or moved out of the folder), or moved between folders. A write that only stamps
-- synced_at (a fresh round listing what is already stored) is no change. Each also updates its conversation.
CREATE FUNCTION change_of_messages_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO change (workspace_id, type, mailbox_id, message_id, thread_id, received_at)
    SELECT n.workspace_id, t.type, n.mailbox_id, n.id, n.thread_id, n.received_at
      FROM new_rows n CROSS JOIN (VALUES (1, 'message.added'), (2, 'conversation.updated')) AS t(o, type)
     WHERE n.removed_at IS NULL AND (t.o = 1 OR n.thread_id IS NOT NULL)
     ORDER BY n.id, t.o;
    RETURN NULL;
END $$;

CREATE FUNCTION change_of_messages_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO change (workspace_id, type, mailbox_id, message_id, thread_id, received_at)
    SELECT n.workspace_id, t.type, n.mailbox_id, n.id, n.thread_id, n.received_at
      FROM (SELECT n.*, CASE
                 WHEN o.removed_at IS NOT NULL AND n.removed_at IS NULL THEN 'message.added'
                 WHEN o.removed_at IS NULL AND n.removed_at IS NOT NULL AND n.removed_reason = 'MOVED' THEN 'message.moved'
                 WHEN o.removed_at IS NULL AND n.removed_at IS NOT NULL THEN 'message.removed'
                 WHEN n.removed_at IS NOT NULL THEN NULL
                 WHEN n.folder IS DISTINCT FROM o.folder THEN 'message.moved'
                 WHEN n.is_read IS DISTINCT FROM o.is_read OR n.change_key IS DISTINCT FROM o.change_key
                   OR n.subject IS DISTINCT FROM o.subject OR n.preview IS DISTINCT FROM o.preview
                   OR n.body IS DISTINCT FROM o.body OR n.has_attachments IS DISTINCT FROM o.has_attachments
                   OR n.thread_id IS DISTINCT FROM o.thread_id THEN 'message.updated'
                 END AS what
              FROM new_rows n JOIN old_rows o ON o.id = n.id) n
      CROSS JOIN LATERAL (VALUES (1, n.what), (2, 'conversation.updated')) AS t(o, type)
     WHERE n.what IS NOT NULL AND (t.o = 1 OR n.thread_id IS NOT NULL)
     ORDER BY n.id, t.o;
    RETURN NULL;
END $$;

CREATE TRIGGER message_added_changes AFTER INSERT ON message
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION change_of_messages_added();
CREATE TRIGGER message_updated_changes AFTER UPDATE ON message
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION change_of_messages_updated();

-- A connection's health: what its badge is made of changed (connected, removed, its error set or cleared, its first
-- successful sync, its syncs started or stopped failing). Routine successful syncs are no change (the console shows
-- their time on its own).
CREATE FUNCTION change_of_connection_health() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row_now outlook_connection;
BEGIN
    IF TG_TABLE_NAME = 'sync_state' THEN
        SELECT * INTO row_now FROM outlook_connection WHERE id = NEW.connection_id;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        row_now := OLD;
    ELSE
        row_now := NEW;
    END IF;
    INSERT INTO change (workspace_id, type, connection_id, user_id)
    VALUES (row_now.workspace_id, 'connection.health', row_now.id, row_now.user_id);
    RETURN NULL;
END $$;

CREATE TRIGGER connection_health_changes AFTER INSERT OR DELETE ON outlook_connection
    FOR EACH ROW EXECUTE FUNCTION change_of_connection_health();
CREATE TRIGGER connection_error_changes AFTER UPDATE ON outlook_connection
    FOR EACH ROW WHEN (OLD.error_code IS DISTINCT FROM NEW.error_code OR OLD.error_message IS DISTINCT FROM NEW.error_message)
    EXECUTE FUNCTION change_of_connection_health();
CREATE TRIGGER sync_health_changes AFTER UPDATE ON sync_state
    FOR EACH ROW WHEN ((OLD.last_success_at IS NULL) <> (NEW.last_success_at IS NULL)
                       OR (OLD.failing_since IS NULL) <> (NEW.failing_since IS NULL))
    EXECUTE FUNCTION change_of_connection_health();
