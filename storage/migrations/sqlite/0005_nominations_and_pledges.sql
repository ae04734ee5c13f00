-- Reason: the campaign before and during the ballot. Which branch or group (the body) nominated which candidate
-- and on what day, and how many nominations an election's candidates need (the target); members who said
-- "I've posted my ballot paper" (pledges: their reminder DMs for that election stop) and "my paper has not come"
-- (no-paper reports, with a region). Pledges and reports are personal data: never exported, erased with /privacy.

CREATE TABLE nominations (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    candidate_id INTEGER NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    body         TEXT    NOT NULL,
    body_key     TEXT    NOT NULL,
    nominated_on TEXT,
    UNIQUE (candidate_id, body_key)
);
CREATE INDEX nominations_by_guild_body ON nominations (guild_id, body_key);

CREATE TABLE nomination_targets (
    election_id INTEGER PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    target      INTEGER NOT NULL CHECK (target >= 1)
);

CREATE TABLE pledges (
    election_id INTEGER NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (election_id, user_id)
);
CREATE INDEX pledges_by_guild_user ON pledges (guild_id, user_id);

CREATE TABLE paper_reports (
    election_id INTEGER NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    region      TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (election_id, user_id)
);
CREATE INDEX paper_reports_by_guild_user ON paper_reports (guild_id, user_id);
