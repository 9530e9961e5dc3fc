-- +goose Up
-- Accounts of HR (administrator), unit managers and the committee. Employees
-- answering surveys have no account and never appear in these tables.
-- email is stored lower-cased; password_hash is an argon2id hash, or '' for
-- an account that signs in only through the identity provider (OIDC).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('administrator', 'manager', 'committee')),
    password_hash TEXT    NOT NULL DEFAULT '',
    oidc_subject  TEXT    UNIQUE,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- The units a manager is assigned; their subtrees are in scope.
CREATE TABLE user_units (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (user_id, unit_id)
);

-- A session's id is the SHA-256 of the random cookie value, so a database
-- dump holds no usable cookie.
CREATE TABLE sessions (
    id           BLOB    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins, kept for the rate-limit window only.
CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    email   TEXT    NOT NULL,
    address TEXT    NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);
CREATE INDEX login_failures_address ON login_failures(address, at);

-- What staff did: sign-in, sign-out, viewed results, exports, changes.
-- Never anything an employee did with a survey.
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action  TEXT    NOT NULL,
    target  TEXT    NOT NULL DEFAULT '',
    detail  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_user ON audit_log(user_id, at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE user_units;
DROP TABLE users;
