-- Outlook's per-mailbox limits across every server on this database (graph.control.MailboxGate).
-- mailbox_gate_slot: at most sync.max-requests-per-mailbox rows per mailbox are leased at once, one per Graph request
-- in flight. A slot is taken and given back in single autocommit statements, never held in a transaction across the
-- call to Microsoft; its lease (graph.gate-slot-lease) is renewed by the server while its request runs, so a crashed
-- server's slots come back when their short lease runs out. Times are the database's clock, the one every server shares.
CREATE TABLE mailbox_gate_slot (
    mailbox_id   uuid        NOT NULL,
    slot         smallint    NOT NULL,
    holder       varchar(64),
    token        uuid,
    leased_until timestamptz NOT NULL,
    PRIMARY KEY (mailbox_id, slot)
) WITH (fillfactor = 70);

-- mailbox_cooldown: Microsoft answered 429 with Retry-After for this mailbox; no server sends it a request before until.
CREATE TABLE mailbox_cooldown (
    mailbox_id uuid        PRIMARY KEY,
    until      timestamptz NOT NULL
);
