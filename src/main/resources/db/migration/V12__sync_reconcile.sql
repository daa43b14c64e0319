-- After Graph refused a folder's stored delta link (expired: 410 syncStateNotFound, or otherwise refused), the folder is
-- read again from the start. That fresh round lists what exists, but not what Exchange deleted meanwhile: rows it does
-- not list are removed when it completes. reconcile_since is when that round started (NULL: no such round under way);
-- the rows it lists are stamped (message.synced_at) as it goes, and those left older than it, within the history
-- depth, are marked removed (kept as history, hidden by default) with the round's last page.
ALTER TABLE sync_cursor ADD COLUMN reconcile_since timestamptz;
