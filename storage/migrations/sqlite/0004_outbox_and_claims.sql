-- Reason: several processes may share one database. Every change that moves reminders or posts a notice is
-- written to `changes` in the transaction that makes it (an outbox every running process follows, in id order),
-- and a reminder or notice is claimed in `claims` before it is posted, so that two processes never both post it.
-- AUTOINCREMENT: an id is never used twice, even after old changes are pruned, so "seen up to id N" stays true.

CREATE TABLE changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    election_id INTEGER,
    kind        TEXT,
    before      INTEGER,
    after       INTEGER,
    at          INTEGER NOT NULL
);
CREATE INDEX changes_by_time ON changes (at);

CREATE TABLE claims (
    guild_id   INTEGER NOT NULL,
    job_id     TEXT    NOT NULL,
    owner      TEXT    NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, job_id)
);
