-- Notices by e-mail and webhook go through an outbox: deliverNotice queues a PENDING delivery with
-- what to send, and the notice-outbox workflow's drain sends it, retrying later with backoff.
ALTER TABLE "NoticeDelivery" ADD COLUMN "payload" TEXT;
ALTER TABLE "NoticeDelivery" ADD COLUMN "nextAttemptAt" DATETIME;
ALTER TABLE "NoticeDelivery" ADD COLUMN "claimedUntil" DATETIME;

CREATE INDEX "NoticeDelivery_status_nextAttemptAt_idx" ON "NoticeDelivery"("status", "nextAttemptAt");
