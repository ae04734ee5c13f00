-- Reason: remember which Discord scheduled event mirrors each election's ballot window, so the bot can move
-- or delete it when the timetable changes instead of creating a new one each time.

CREATE TABLE scheduled_events (
    election_id BIGINT PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
    guild_id    BIGINT NOT NULL,
    event_id    BIGINT NOT NULL
);
CREATE INDEX scheduled_events_by_guild ON scheduled_events (guild_id);
