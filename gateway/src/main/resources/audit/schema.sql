-- The gateway's audit trail (io.berth.gateway.audit). Plain ANSI SQL that H2 2.x and PostgreSQL 9.5+ both accept;
-- run at every start, so it only ever creates what is missing.
CREATE TABLE IF NOT EXISTS berth_audit_event (
    id             VARCHAR(36)                 NOT NULL,
    received_at    TIMESTAMP(3) WITH TIME ZONE NOT NULL,
    user_name      VARCHAR(1024)               NOT NULL,
    user_groups    VARCHAR(8192)               NOT NULL,
    source_ip      VARCHAR(64)                 NOT NULL,
    verb           VARCHAR(64)                 NOT NULL,
    api_group      VARCHAR(253)                NOT NULL,
    resource       VARCHAR(253)                NOT NULL,
    subresource    VARCHAR(253)                NOT NULL,
    namespace      VARCHAR(253)                NOT NULL,
    name           VARCHAR(253)                NOT NULL,
    request_uri    VARCHAR(8192)               NOT NULL,
    code           INTEGER                     NOT NULL,
    latency_ms     BIGINT                      NOT NULL,
    user_agent     VARCHAR(1024)               NOT NULL,
    request_body   VARCHAR(1000000),
    body_truncated BOOLEAN                     NOT NULL,
    body_note      VARCHAR(256),
    PRIMARY KEY (id)
);
-- newest first, and the continue token's (time, id) position
CREATE INDEX IF NOT EXISTS berth_audit_event_time ON berth_audit_event (received_at, id);
CREATE INDEX IF NOT EXISTS berth_audit_event_namespace ON berth_audit_event (namespace, received_at);
CREATE INDEX IF NOT EXISTS berth_audit_event_user ON berth_audit_event (user_name, received_at);
