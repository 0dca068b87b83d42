CREATE INDEX "audit_events_at" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "call_log_segments_last_at" ON "call_log_segments" USING btree ("last_at");--> statement-breakpoint
-- Hand-written (drizzle-kit does not track triggers): the audit trail and the call log stay
-- append-only, except for the retention pass (LINKHUB_LOG_RETENTION_DAYS), which deletes old rows in
-- a transaction that has set linkhub.retention to on (services/logs/retention.ts). UPDATE and
-- TRUNCATE are still always refused, and so is any other DELETE.
CREATE OR REPLACE FUNCTION "append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('linkhub.retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('linkhub.retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END;
$$;
