-- Why a message left its folder, when Exchange says so: a delta @removed item is looked up by its immutable id (which
-- survives a move). Found in another folder: MOVED, moved_to names that folder (Deleted Items, Archive, a folder the
-- service does not sync); not found: DELETED. NULL: removed without a known reason (older rows, a lookup that failed,
-- a fresh round after an expired delta token that no longer listed it).
ALTER TABLE message ADD COLUMN removed_reason varchar(16) CHECK (removed_reason IN ('DELETED', 'MOVED')),
                    ADD COLUMN moved_to text;
