CREATE TABLE "call_log_segments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"format" smallint NOT NULL,
	"count" integer NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"account_ids" text[] NOT NULL,
	"actions" text[] NOT NULL,
	"statuses" integer[] NOT NULL,
	"records" text NOT NULL
);
--> statement-breakpoint
-- Hand-written: the calls logged so far move into segments of up to 1000 per project, in their
-- order (format 1 of src/services/call-records.ts). Their audit entries stay in audit_events
-- (call.proxy, call.rpc:…), so they are marked not audited here (last field 0).
INSERT INTO "call_log_segments" ("project_id", "format", "count", "first_at", "last_at", "account_ids", "actions", "statuses", "records")
SELECT "project_id", 1, count(*), min("at"), max("at"),
	array_agg(DISTINCT "account_id"),
	coalesce(array_agg(DISTINCT "action") FILTER (WHERE "action" IS NOT NULL), '{}'),
	array_agg(DISTINCT coalesce("status", 0)),
	'[' || string_agg(json_build_array(floor(extract(epoch FROM "at") * 1000)::bigint, "account_id", "provider", "source", "actor_type", "actor_id", "action",
		"method", "path", "status", "error", "duration_ms", "attempts", "provider_request_id", "idempotency_key", "request_body", "response_body", 0)::text, ',' ORDER BY "id") || ']'
FROM (SELECT *, (row_number() OVER (PARTITION BY "project_id" ORDER BY "id") - 1) / 1000 AS "chunk" FROM "request_logs") AS "l"
GROUP BY "project_id", "chunk"
ORDER BY min("id");
--> statement-breakpoint
DROP TABLE "request_logs" CASCADE;--> statement-breakpoint
CREATE INDEX "call_log_segments_project_id" ON "call_log_segments" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "call_log_segments_account_ids" ON "call_log_segments" USING gin ("account_ids");--> statement-breakpoint
-- Hand-written (drizzle-kit does not track triggers): the call log is the audit trail of calls, append-only.
CREATE OR REPLACE FUNCTION "append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "call_log_segments_no_update_delete" BEFORE UPDATE OR DELETE ON "call_log_segments" FOR EACH ROW EXECUTE FUNCTION "append_only"();--> statement-breakpoint
CREATE TRIGGER "call_log_segments_no_truncate" BEFORE TRUNCATE ON "call_log_segments" FOR EACH STATEMENT EXECUTE FUNCTION "append_only"();
