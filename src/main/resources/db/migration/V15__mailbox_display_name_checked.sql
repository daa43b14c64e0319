-- When sync last asked Microsoft for a shared mailbox's display name (GET /users/{address}?$select=displayName), so
-- that it asks at most once per sync.display-name-interval, whichever server and whoever's token runs the sync.
-- NULL: never asked since this column exists; the next sync of the mailbox asks.

ALTER TABLE mailbox ADD COLUMN display_name_checked_at timestamptz;
