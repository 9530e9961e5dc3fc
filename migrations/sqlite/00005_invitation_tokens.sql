-- +goose Up
-- Extra valid link tokens of an invitation: a reminder carries a new link,
-- since only hashes are stored; the original link keeps working. No time
-- is stored, and nothing links a token to a response.
CREATE TABLE invitation_tokens (
    token_hash    BLOB    PRIMARY KEY,
    invitation_id INTEGER NOT NULL REFERENCES invitations(id) ON DELETE CASCADE
);
CREATE INDEX invitation_tokens_invitation ON invitation_tokens(invitation_id);

-- A staff list HR uploaded and saw previewed, waiting to be confirmed;
-- confirming takes (deletes) it, so a double click imports it once.
CREATE TABLE staff_uploads (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    rows_json  TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- A background run sending invitation or reminder e-mails, with its
-- progress, so that every app instance can show it. Addresses the SMTP
-- server refused are listed in mail_failures; no link is stored.
CREATE TABLE mail_jobs (
    id         INTEGER PRIMARY KEY,
    round_id   INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    total      INTEGER NOT NULL,
    sent       INTEGER NOT NULL DEFAULT 0,
    failed     INTEGER NOT NULL DEFAULT 0,
    status     TEXT    NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX mail_jobs_round ON mail_jobs(round_id);

CREATE TABLE mail_failures (
    job_id INTEGER NOT NULL REFERENCES mail_jobs(id) ON DELETE CASCADE,
    email  TEXT    NOT NULL,
    reason TEXT    NOT NULL,
    PRIMARY KEY (job_id, email)
);

-- +goose Down
DROP TABLE mail_failures;
DROP TABLE mail_jobs;
DROP TABLE staff_uploads;
DROP TABLE invitation_tokens;
