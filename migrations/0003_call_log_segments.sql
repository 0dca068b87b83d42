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
-- order, in format 1 of src/services/call-records.ts (at as an offset from first_at, account and
-- action as indexes into the segment's arrays). Their audit entries stay in audit_events
-- (call.proxy, call.rpc:…), so they are marked not audited here (field 13 = 0).
WITH "l" AS (
	SELECT *, (row_number() OVER (PARTITION BY "project_id" ORDER BY "id") - 1) / 1000 AS "chunk" FROM "request_logs"
), "s" AS (
	SELECT "project_id", "chunk", count(*) AS "n", min("id") AS "min_id", max("at") AS "last_at",
		floor(extract(epoch FROM min("at")) * 1000)::bigint AS "first_ms",
		array_agg(DISTINCT "account_id") AS "account_ids",
		coalesce(array_agg(DISTINCT "action") FILTER (WHERE "action" IS NOT NULL), '{}') AS "actions",
		array_agg(DISTINCT coalesce("status", 0)) AS "statuses"
	FROM "l" GROUP BY "project_id", "chunk"
)
INSERT INTO "call_log_segments" ("project_id", "format", "count", "first_at", "last_at", "account_ids", "actions", "statuses", "records")
SELECT "s"."project_id", 1, "s"."n", timestamptz 'epoch' + "s"."first_ms" * interval '1 millisecond', "s"."last_at", "s"."account_ids", "s"."actions", "s"."statuses",
	'[' || string_agg(json_build_array(
		floor(extract(epoch FROM "l"."at") * 1000)::bigint - "s"."first_ms",
		array_position("s"."account_ids", "l"."account_id") - 1,
		CASE WHEN "l"."action" IS NULL THEN NULL ELSE array_position("s"."actions", "l"."action") - 1 END,
		"l"."provider", "l"."source", "l"."actor_type", "l"."actor_id", "l"."method", "l"."path", "l"."status", "l"."error", "l"."duration_ms", "l"."attempts", 0,
		"l"."provider_request_id", "l"."idempotency_key", "l"."request_body", "l"."response_body")::text, ',' ORDER BY "l"."id") || ']'
FROM "s" JOIN "l" USING ("project_id", "chunk")
GROUP BY "s"."project_id", "s"."chunk", "s"."n", "s"."min_id", "s"."last_at", "s"."first_ms", "s"."account_ids", "s"."actions", "s"."statuses"
ORDER BY "s"."min_id";
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
