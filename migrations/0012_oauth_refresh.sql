CREATE TABLE "oauth_refresh_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"family" text NOT NULL,
	"client_id" text NOT NULL,
	"project_id" text NOT NULL,
	"account_id" text NOT NULL,
	"policy" text NOT NULL,
	"approved_by" text NOT NULL,
	"access_token_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "oauth_refresh_tokens_family" ON "oauth_refresh_tokens" USING btree ("family");--> statement-breakpoint
CREATE INDEX "oauth_refresh_tokens_expires" ON "oauth_refresh_tokens" USING btree ("expires_at");