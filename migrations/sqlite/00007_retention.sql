-- +goose Up
-- Retention (survey/retention.go): raw answers and invitations of closed
-- rounds are deleted after the periods the municipality configured, while
-- the kept results (00002) stay for the trends.

-- What retention has deleted of a round, and on which date: the pages say
-- "deleted by retention" instead of "too few responses".
CREATE TABLE round_retention (
    round_id               INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
    answers_deleted_on     TEXT,
    invitations_deleted_on TEXT
);

-- Invited and used counts per unit of a round whose invitations were
-- deleted, so that its response rates stay. Counts only: no address.
CREATE TABLE invitation_counts (
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    invited  INTEGER NOT NULL CHECK (invited >= 0),
    used     INTEGER NOT NULL CHECK (used >= 0),
    PRIMARY KEY (round_id, unit_id)
);

-- +goose Down
DROP TABLE invitation_counts;
DROP TABLE round_retention;
