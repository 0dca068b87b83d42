CREATE TABLE "account_permissions" (
	"account_id" text NOT NULL,
	"permission" text NOT NULL,
	"granted" boolean NOT NULL,
	"key_fingerprint" text NOT NULL,
	"learnt_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_permissions_account_id_permission_pk" PRIMARY KEY("account_id","permission")
);
--> statement-breakpoint
CREATE TABLE "request_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"account_id" text NOT NULL,
	"provider" text NOT NULL,
	"source" text NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text NOT NULL,
	"action" text,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"status" integer,
	"error" text,
	"duration_ms" double precision NOT NULL,
	"attempts" integer NOT NULL,
	"provider_request_id" text,
	"idempotency_key" text,
	"request_body" text,
	"response_body" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_permissions" ADD CONSTRAINT "account_permissions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "request_logs_account_id" ON "request_logs" USING btree ("account_id","id");--> statement-breakpoint
-- Hand-written (drizzle-kit does not track triggers): audit_events is append-only.
CREATE OR REPLACE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
