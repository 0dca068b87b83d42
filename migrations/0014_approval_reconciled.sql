ALTER TABLE "approvals" ADD COLUMN "reconciled_by" text;--> statement-breakpoint
ALTER TABLE "approvals" ADD COLUMN "reconciled_at" timestamp with time zone;