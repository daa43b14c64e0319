-- Every folder (issue 16 §2): the mailbox's folder delta link per connection. A run asks it whether folders changed
-- (one request) and lists the tree when they did, instead of only every sync.folder-tree-interval. NULL: no round yet
-- (or Graph refused the last link, or the mailbox is over its quota); the tree is then listed on its interval.
ALTER TABLE sync_state ADD COLUMN folders_delta_link text;
