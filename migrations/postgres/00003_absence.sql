-- +goose Up
-- Sickness absence per unit per calendar month ('YYYY-MM') and category,
-- imported from the payroll system. It is unit-level payroll data, never
-- per person. Re-importing a month replaces it (upsert on the key).
CREATE TABLE absence (
    unit_id       BIGINT           NOT NULL REFERENCES units(id),
    month         TEXT             NOT NULL CHECK (length(month) = 7),
    category      TEXT             NOT NULL DEFAULT 'own_illness' CHECK (category IN ('own_illness', 'work_injury')),
    absence_days  DOUBLE PRECISION NOT NULL CHECK (absence_days >= 0),
    possible_days DOUBLE PRECISION NOT NULL CHECK (possible_days > 0),
    fte           DOUBLE PRECISION CHECK (fte > 0),
    PRIMARY KEY (unit_id, month, category)
);

-- +goose Down
DROP TABLE absence;
