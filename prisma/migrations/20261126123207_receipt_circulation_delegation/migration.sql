-- AlterTable
ALTER TABLE "Directive" ADD COLUMN "copies" INTEGER;
ALTER TABLE "Directive" ADD COLUMN "handlingNumber" TEXT;
ALTER TABLE "Directive" ADD COLUMN "officeDueDate" TEXT;
ALTER TABLE "Directive" ADD COLUMN "pages" INTEGER;
ALTER TABLE "Directive" ADD COLUMN "repliedAt" DATETIME;
ALTER TABLE "Directive" ADD COLUMN "replyText" TEXT;
ALTER TABLE "Directive" ADD COLUMN "secrecyPeriod" TEXT;
ALTER TABLE "Directive" ADD COLUMN "signedForAt" DATETIME;

-- AlterTable
ALTER TABLE "DepartmentTask" ADD COLUMN "handlerId" TEXT;

-- AlterTable
ALTER TABLE "TimelineEntry" ADD COLUMN "onBehalfOfId" TEXT;

-- CreateTable
CREATE TABLE "Attachment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sha256" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "mediaType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "uploadedById" TEXT NOT NULL,
    "uploadedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "receiptNumber" TEXT,
    CONSTRAINT "Attachment_receiptNumber_fkey" FOREIGN KEY ("receiptNumber") REFERENCES "Directive" ("receiptNumber") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CirculationCopy" (
    "receiptNumber" TEXT NOT NULL,
    "circulationId" INTEGER NOT NULL,
    "readerId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "sentById" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,
    "readAt" DATETIME,
    "comment" TEXT,
    "recalledAt" DATETIME,
    "recallReason" TEXT,

    PRIMARY KEY ("receiptNumber", "circulationId", "readerId"),
    CONSTRAINT "CirculationCopy_receiptNumber_fkey" FOREIGN KEY ("receiptNumber") REFERENCES "Directive" ("receiptNumber") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Delegation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "fromUserId" TEXT NOT NULL,
    "toUserId" TEXT NOT NULL,
    "startsOn" TEXT NOT NULL,
    "endsOn" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "version" TEXT NOT NULL PRIMARY KEY,
    "policy" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Attachment_receiptNumber_idx" ON "Attachment"("receiptNumber");

-- CreateIndex
CREATE INDEX "CirculationCopy_readerId_idx" ON "CirculationCopy"("readerId");

-- CreateIndex
CREATE INDEX "Delegation_toUserId_idx" ON "Delegation"("toUserId");

-- CreateIndex
CREATE INDEX "Delegation_fromUserId_idx" ON "Delegation"("fromUserId");

