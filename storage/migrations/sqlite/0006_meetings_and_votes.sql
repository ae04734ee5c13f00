-- Reason: after the election, the record of how the slate's members voted. The body's meetings (a title, a
-- calendar day stored as ISO text YYYY-MM-DD, and the body, NEC by default), each meeting's motions with the
-- body's own figures (for, against, abstaining) and whether it was carried (NULL: by the figures, carried when
-- more voted for than against; 0 or 1: the organiser's word), and how each of the slate's members voted on a
-- motion. A member is named as in the results, stored as typed, with member_key (bot.domain.text.normalise)
-- for forgiving matching; a member votes once on a motion.

CREATE TABLE meetings (
    id        INTEGER PRIMARY KEY,
    guild_id  INTEGER NOT NULL,
    title     TEXT    NOT NULL,
    title_key TEXT    NOT NULL,
    held_on   TEXT    NOT NULL CHECK (length(held_on) = 10),
    body      TEXT    NOT NULL DEFAULT 'NEC',
    UNIQUE (guild_id, held_on, title_key)
);

CREATE TABLE motions (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    meeting_id    INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    text          TEXT    NOT NULL,
    votes_for     INTEGER NOT NULL CHECK (votes_for >= 0),
    votes_against INTEGER NOT NULL CHECK (votes_against >= 0),
    abstentions   INTEGER NOT NULL DEFAULT 0 CHECK (abstentions >= 0),
    carried       INTEGER CHECK (carried IN (0, 1))
);
CREATE INDEX motions_by_meeting ON motions (guild_id, meeting_id, id);

CREATE TABLE member_votes (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    motion_id  INTEGER NOT NULL REFERENCES motions (id) ON DELETE CASCADE,
    member     TEXT    NOT NULL,
    member_key TEXT    NOT NULL,
    vote       TEXT    NOT NULL CHECK (vote IN ('for', 'against', 'abstain', 'absent')),
    UNIQUE (motion_id, member_key)
);
CREATE INDEX member_votes_by_member ON member_votes (guild_id, member_key);
