-- +goose Up
-- Timestamps are Unix seconds (INTEGER); calendar dates are 'YYYY-MM-DD' text.
CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
    code         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    parent_id    INTEGER REFERENCES units(id),
    closed_on    TEXT,
    successor_id INTEGER REFERENCES units(id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE questionnaires (
    id         INTEGER PRIMARY KEY,
    key        TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    title_da   TEXT    NOT NULL,
    title_en   TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (key, version)
);

CREATE TABLE focus_areas (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires(id) ON DELETE CASCADE,
    key              TEXT    NOT NULL,
    name_da          TEXT    NOT NULL,
    name_en          TEXT    NOT NULL,
    period_from      TEXT,
    period_to        TEXT,
    position         INTEGER NOT NULL,
    UNIQUE (questionnaire_id, key)
);

CREATE TABLE dimensions (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires(id) ON DELETE CASCADE,
    key              TEXT    NOT NULL,
    name_da          TEXT    NOT NULL,
    name_en          TEXT    NOT NULL,
    social_capital   INTEGER NOT NULL DEFAULT 0 CHECK (social_capital IN (0, 1)),
    position         INTEGER NOT NULL,
    UNIQUE (questionnaire_id, key)
);

CREATE TABLE items (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires(id) ON DELETE CASCADE,
    key              TEXT    NOT NULL,
    position         INTEGER NOT NULL,
    section          TEXT    NOT NULL DEFAULT '',
    type             TEXT    NOT NULL CHECK (type IN ('likert5', 'problem3', 'yesno', 'text')),
    text_da          TEXT    NOT NULL,
    text_en          TEXT    NOT NULL,
    dimension        TEXT    NOT NULL DEFAULT '',
    focus_area       TEXT    NOT NULL DEFAULT '',
    reverse          INTEGER NOT NULL DEFAULT 0 CHECK (reverse IN (0, 1)),
    required         INTEGER NOT NULL DEFAULT 0 CHECK (required IN (0, 1)),
    UNIQUE (questionnaire_id, key)
);

CREATE TABLE rounds (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    questionnaire_id INTEGER NOT NULL REFERENCES questionnaires(id),
    opens_on         TEXT    NOT NULL,
    closes_on        TEXT    NOT NULL,
    threshold        INTEGER NOT NULL DEFAULT 5 CHECK (threshold >= 3),
    status           TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    created_at       INTEGER NOT NULL
);

CREATE TABLE round_units (
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (round_id, unit_id)
);

-- An invitation holds a hash of its link token and of its printed code, the
-- unit it counts for, and a used flag with no time of use.
CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    email      TEXT    NOT NULL DEFAULT '',
    token_hash BLOB    NOT NULL UNIQUE,
    code_hash  BLOB    NOT NULL UNIQUE,
    used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
);
CREATE INDEX invitations_round_unit ON invitations(round_id, unit_id);
-- One invitation per email per round, also when two imports race.
CREATE UNIQUE INDEX invitations_round_email ON invitations(round_id, email) WHERE email <> '';

-- A response carries no link to its invitation: a random id, the round,
-- the unit and the date of submission (no time).
CREATE TABLE responses (
    id           TEXT    PRIMARY KEY,
    round_id     INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    submitted_on TEXT    NOT NULL,
    lang         TEXT    NOT NULL DEFAULT 'da'
) WITHOUT ROWID; -- no rowid, so storage order does not reveal the order of answers
CREATE INDEX responses_round_unit ON responses(round_id, unit_id);

-- Answer values: likert5 1..5, problem3 1..3 (no, some, big problem),
-- yesno 1 = yes, 2 = no; 0 is "don't know / not relevant". An item left
-- blank has no row. item_id has no foreign key on purpose (see README).
CREATE TABLE answers (
    response_id TEXT    NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    item_id     INTEGER NOT NULL,
    value       INTEGER NOT NULL CHECK (value BETWEEN 0 AND 5),
    PRIMARY KEY (response_id, item_id)
) WITHOUT ROWID;

CREATE TABLE comments (
    response_id TEXT    NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    item_id     INTEGER NOT NULL,
    body        TEXT    NOT NULL,
    PRIMARY KEY (response_id, item_id)
) WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE comments;
DROP TABLE answers;
DROP TABLE responses;
DROP TABLE invitations;
DROP TABLE round_units;
DROP TABLE rounds;
DROP TABLE items;
DROP TABLE dimensions;
DROP TABLE focus_areas;
DROP TABLE questionnaires;
DROP TABLE units;
