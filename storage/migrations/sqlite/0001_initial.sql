-- Reason: the first schema: guild settings, elections and timetables, seats, slates and platforms, candidates,
-- results, the audit log, the reminder ledger and reminder subscribers. Every row carries its guild_id and every
-- query is scoped by it. Times are INTEGER unix seconds, UTC. *_key columns hold the forgiving match key
-- (bot.domain.text.normalise) so that "Time For Real Change" and "Time for Real Change" are one slate; the
-- name itself is stored exactly as typed.

CREATE TABLE guilds (
    guild_id            INTEGER PRIMARY KEY,
    timezone            TEXT    NOT NULL DEFAULT 'Europe/London',
    organiser_role_id   INTEGER,
    slate_id            INTEGER REFERENCES slates (id) ON DELETE SET NULL,
    nation              TEXT    NOT NULL DEFAULT 'england'
                                CHECK (nation IN ('england', 'wales', 'scotland', 'northern-ireland')),
    post_days           INTEGER NOT NULL DEFAULT 2 CHECK (post_days BETWEEN 0 AND 20),
    reminder_channel_id INTEGER,
    reminder_role_id    INTEGER,
    reminder_offsets    TEXT    NOT NULL DEFAULT '7d,1d,0',
    reminders_enabled   INTEGER NOT NULL DEFAULT 1 CHECK (reminders_enabled IN (0, 1))
);

CREATE TABLE slates (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    name_key TEXT    NOT NULL,
    UNIQUE (guild_id, name_key)
);

CREATE TABLE platform_points (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    slate_id INTEGER NOT NULL REFERENCES slates (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 1),
    text     TEXT    NOT NULL
);
CREATE INDEX platform_points_by_slate ON platform_points (guild_id, slate_id, position);

CREATE TABLE elections (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,
    description TEXT,
    UNIQUE (guild_id, name_key)
);

CREATE TABLE milestones (
    election_id INTEGER NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('nominations_open', 'nominations_close', 'ballot_open',
                                                 'replacement_deadline', 'ballot_close', 'results')),
    at          INTEGER NOT NULL,
    PRIMARY KEY (election_id, kind)
);
CREATE INDEX milestones_by_guild ON milestones (guild_id);

CREATE TABLE seats (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    election_id     INTEGER NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    name_key        TEXT    NOT NULL,
    electorate_type TEXT    NOT NULL CHECK (electorate_type IN ('region', 'service_group', 'group', 'national')),
    electorate      TEXT    NOT NULL,
    places          INTEGER NOT NULL DEFAULT 1 CHECK (places >= 1),
    UNIQUE (election_id, name_key)
);
CREATE INDEX seats_by_guild ON seats (guild_id, election_id);

CREATE TABLE candidates (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL,
    seat_id   INTEGER NOT NULL REFERENCES seats (id) ON DELETE CASCADE,
    name      TEXT    NOT NULL,
    name_key  TEXT    NOT NULL,
    slate_id  INTEGER REFERENCES slates (id) ON DELETE SET NULL,
    branch    TEXT,
    job       TEXT,
    incumbent INTEGER NOT NULL DEFAULT 0 CHECK (incumbent IN (0, 1)),
    statement TEXT,
    UNIQUE (seat_id, name_key)
);
CREATE INDEX candidates_by_guild_name ON candidates (guild_id, name_key);
CREATE INDEX candidates_by_seat ON candidates (seat_id);

CREATE TABLE results (
    candidate_id INTEGER PRIMARY KEY REFERENCES candidates (id) ON DELETE CASCADE,
    guild_id     INTEGER NOT NULL,
    votes        INTEGER NOT NULL CHECK (votes >= 0),
    elected      INTEGER CHECK (elected IN (0, 1))
);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    actor_id INTEGER NOT NULL,
    action   TEXT    NOT NULL,
    before   TEXT,
    after    TEXT,
    at       INTEGER NOT NULL
);
CREATE INDEX audit_log_by_guild ON audit_log (guild_id, id);

CREATE TABLE reminders_sent (
    guild_id   INTEGER NOT NULL,
    job_id     TEXT    NOT NULL,
    sent_at    INTEGER NOT NULL,
    message_id INTEGER,
    late       INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    PRIMARY KEY (guild_id, job_id)
);

CREATE TABLE reminder_subscribers (
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    subscribed_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
