CREATE TABLE "sign_in_attempts" (
	"client" text PRIMARY KEY NOT NULL,
	"attempts" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "throttle_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "allowed_frame_origins" text[] DEFAULT '{}'::text[] NOT NULL;
--> statement-breakpoint
-- Takes up to `want` tokens from the shared bucket `k` (rate tokens/s, at most `burst`), refilled
-- since it was last read; returns how many were granted (0 when the bucket is empty). The row lock of
-- the UPDATE makes concurrent takes from several nodes add up to the rate, never more.
CREATE FUNCTION linkhub_throttle_take(k text, rate double precision, burst double precision, want integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  available double precision;
  granted integer;
BEGIN
  INSERT INTO throttle_buckets (key, tokens, updated_at) VALUES (k, burst, clock_timestamp()) ON CONFLICT (key) DO NOTHING;
  SELECT LEAST(burst, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - b.updated_at)) * rate)
    INTO available FROM throttle_buckets b WHERE b.key = k FOR UPDATE;
  granted := LEAST(want, FLOOR(available))::integer;
  IF granted < 0 THEN granted := 0; END IF;
  UPDATE throttle_buckets SET tokens = available - granted, updated_at = clock_timestamp() WHERE key = k;
  RETURN granted;
END;
$$;
