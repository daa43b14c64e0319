-- The change feed says when a cursor is older than what it keeps (issue 16 §4): per workspace, the highest position
-- that retention pruning has removed. A cursor below it would skip changes, so the feed answers 410 CURSOR_EXPIRED
-- instead of silently continuing at the oldest change kept. Pruning deletes the changes and moves this mark in one
-- statement, so a reader's snapshot sees both or neither. A table of its own, not a column of change_counter: pruning
-- then never waits for (or holds up) the commit step of a workspace's writers, which locks the counter row.
CREATE TABLE change_forgotten (
    workspace_id  varchar(128) PRIMARY KEY,
    through       bigint       NOT NULL
);

-- What was pruned before this table existed: positions are handed out without gaps (1, 2, 3, ... per workspace, see
-- V18), so everything below a workspace's oldest change kept is gone, and all of it when none is kept.
INSERT INTO change_forgotten (workspace_id, through)
SELECT k.workspace_id, COALESCE((SELECT min(c.seq) - 1 FROM change c
                                  WHERE c.workspace_id = k.workspace_id AND c.seq IS NOT NULL), k.last_seq)
  FROM change_counter k;
DELETE FROM change_forgotten WHERE through <= 0;
