ALTER TABLE "agent_spend" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "sending_at" timestamp with time zone;