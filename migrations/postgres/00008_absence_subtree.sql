-- +goose Up
-- Sickness absence rolled up per unit SUBTREE (subunits and closed
-- predecessors, as metrics.AbsenceSeries counts them) and month: a derived
-- cache rebuilt by metrics on every absence import and whenever the unit
-- tree no longer matches absence_subtree_state.fingerprint. units counts
-- the units with data; fte sums the FTE of the fte_units that gave it.
CREATE TABLE absence_subtree (
    unit_id          BIGINT           NOT NULL, -- no foreign key: a cache must not hold a unit back
    month            TEXT             NOT NULL CHECK (length(month) = 7),
    absence_days     DOUBLE PRECISION NOT NULL,
    own_illness_days DOUBLE PRECISION NOT NULL,
    work_injury_days DOUBLE PRECISION NOT NULL,
    possible_days    DOUBLE PRECISION NOT NULL,
    fte              DOUBLE PRECISION NOT NULL,
    units            INTEGER          NOT NULL,
    fte_units        INTEGER          NOT NULL,
    PRIMARY KEY (unit_id, month)
);

-- The unit tree (ids, parents, successors) absence_subtree was built for;
-- one row, its fingerprint empty until the first build.
CREATE TABLE absence_subtree_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT    NOT NULL
);
INSERT INTO absence_subtree_state (id, fingerprint) VALUES (1, '');

-- +goose Down
DROP TABLE absence_subtree_state;
DROP TABLE absence_subtree;
