-- +goose Up
-- The APV action plan (handlingsplan): per unit and round, entries with
-- the problem, the risk assessment, the action, who is responsible, the
-- deadline, the follow-up date and the status. Timestamps are Unix
-- seconds; dates are 'YYYY-MM-DD' text. Edits are kept in an append-only
-- history, one row per changed field.

-- problem_kind: 'item' or 'dimension' (problem_key names one of the round's
-- questionnaire) or 'free' (problem_text holds it). version counts the
-- saved edits, so two people editing at once cannot overwrite each other.
CREATE TABLE plan_entries (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    problem_kind TEXT    NOT NULL CHECK (problem_kind IN ('item', 'dimension', 'free')),
    problem_key  TEXT    NOT NULL DEFAULT '',
    problem_text TEXT    NOT NULL DEFAULT '',
    risk         TEXT    NOT NULL DEFAULT '',
    risk_level   TEXT    NOT NULL CHECK (risk_level IN ('low', 'medium', 'high')),
    action       TEXT    NOT NULL,
    responsible  TEXT    NOT NULL,
    deadline     TEXT    NOT NULL,
    follow_up_on TEXT,
    status       TEXT    NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'abandoned')),
    version      INTEGER NOT NULL DEFAULT 1,
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    updated_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX plan_entries_round_unit ON plan_entries(round_id, unit_id);

-- Append-only: who changed which field of an entry from what to what, and
-- when; version is the entry's version the change produced (1 = created).
CREATE TABLE plan_entry_changes (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES plan_entries(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    changed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    changed_at INTEGER NOT NULL,
    field      TEXT    NOT NULL,
    old_value  TEXT    NOT NULL,
    new_value  TEXT    NOT NULL
);
CREATE INDEX plan_entry_changes_entry ON plan_entry_changes(entry_id, version);

-- The random key of a unit's plan in a round: the link, without sign-in,
-- through which the unit's employees read their plan.
CREATE TABLE plan_links (
    round_id   INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    key        TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (round_id, unit_id)
);

-- +goose Down
DROP TABLE plan_links;
DROP TABLE plan_entry_changes;
DROP TABLE plan_entries;
