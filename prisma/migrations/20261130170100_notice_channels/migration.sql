-- Notices by e-mail: where to, and whether the person wants them (default: in-app only).
ALTER TABLE "User" ADD COLUMN "email" TEXT;
ALTER TABLE "User" ADD COLUMN "noticeByEmail" BOOLEAN NOT NULL DEFAULT false;

-- One row per channel, notice and recipient: a retried activity skips what was sent.
CREATE TABLE "NoticeDelivery" (
    "channel" TEXT NOT NULL,
    "noticeKey" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "sentAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("channel", "noticeKey", "recipient")
);
CREATE UNIQUE INDEX "NoticeDelivery_deliveryId_key" ON "NoticeDelivery"("deliveryId");
