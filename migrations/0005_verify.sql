ALTER TABLE "accounts" ADD COLUMN "next_verify_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "verify_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "accounts_next_verify" ON "accounts" USING btree ("next_verify_at");