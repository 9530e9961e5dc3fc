-- +goose Up
-- Kept results of closed rounds (package metrics). A closed round never
-- changes, so its results are computed once from the raw answers, passed
-- through the anonymity rules and kept here: one row per unit subtree and
-- measure. A suppressed cell keeps its reason and no number at all.

-- One row per computed round; its presence means the round's results are
-- complete (written in the same transaction as the rows below).
CREATE TABLE result_rounds (
    round_id    BIGINT PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
    computed_at BIGINT NOT NULL
);

-- The round's unit tree as it was when the results were computed, so that
-- later reorganisations do not reshape a closed round's results.
CREATE TABLE result_units (
    round_id  BIGINT NOT NULL REFERENCES result_rounds(round_id) ON DELETE CASCADE,
    unit_id   BIGINT NOT NULL REFERENCES units(id),
    parent_id BIGINT REFERENCES units(id),
    PRIMARY KEY (round_id, unit_id)
);

-- measure: 'respondents', 'index', 'dimension:KEY', 'focus_area:KEY' or
-- 'item:KEY'. n: respondents in the cell (for items: those who answered
-- the item, "don't know" included); valid: answers counted in an item's
-- score or share; mean: score 0..100 or share in percent; d0..d5: an
-- item's answer counts per value. unit_id needs no foreign key of its own:
-- result_units holds the round's units.
CREATE TABLE results (
    round_id BIGINT NOT NULL REFERENCES result_rounds(round_id) ON DELETE CASCADE,
    unit_id  BIGINT NOT NULL,
    measure  TEXT    NOT NULL,
    reason   TEXT    NOT NULL DEFAULT '',
    n        INTEGER,
    valid    INTEGER,
    mean     DOUBLE PRECISION,
    sd       DOUBLE PRECISION,
    ci_low   DOUBLE PRECISION,
    ci_high  DOUBLE PRECISION,
    d0 INTEGER, d1 INTEGER, d2 INTEGER, d3 INTEGER, d4 INTEGER, d5 INTEGER,
    PRIMARY KEY (round_id, unit_id, measure),
    CHECK ((reason = '' AND n IS NOT NULL) OR
           (reason <> '' AND n IS NULL AND valid IS NULL AND mean IS NULL AND sd IS NULL
            AND ci_low IS NULL AND ci_high IS NULL AND d0 IS NULL AND d1 IS NULL
            AND d2 IS NULL AND d3 IS NULL AND d4 IS NULL AND d5 IS NULL))
);

-- +goose Down
DROP TABLE results;
DROP TABLE result_units;
DROP TABLE result_rounds;
