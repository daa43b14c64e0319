-- Several servers on one database: setting up push for a connection is claimed (until setup_until, in the database's
-- time) so that two servers retrying it at once never create two subscriptions at Microsoft; the claim ends with the
-- outcome. Cluster-wide jobs (the sweeps) take turns in cluster_turn: each runs once per interval across all servers
-- (a server takes a turn when the last one was taken at least its interval ago, in the database's time).
ALTER TABLE push_delivery ADD COLUMN setup_until timestamptz;

CREATE TABLE cluster_turn (
    job       varchar(64)  PRIMARY KEY,
    taken_at  timestamptz  NOT NULL,
    taken_by  varchar(128) NOT NULL
);
