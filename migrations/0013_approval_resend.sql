ALTER TABLE "agent_spend" ADD COLUMN "call_digest" text;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "sending_at" timestamp with time zone;