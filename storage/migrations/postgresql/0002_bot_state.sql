-- Reason: remember small facts about the bot itself between runs, such as the hash of the command tree last
-- synced to each scope, so commands are synced to Discord only when they changed.

CREATE TABLE bot_state (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT COLLATE "C" NOT NULL
);
