-- AlterTable
ALTER TABLE "Directive" ADD COLUMN "closedAt" DATETIME;
ALTER TABLE "Directive" ADD COLUMN "dispatchedAt" DATETIME;
ALTER TABLE "Directive" ADD COLUMN "dueDate" TEXT;
ALTER TABLE "Directive" ADD COLUMN "handlingOption" INTEGER;
ALTER TABLE "Directive" ADD COLUMN "leadDepartmentCode" TEXT;
ALTER TABLE "Directive" ADD COLUMN "urgerId" TEXT;

-- CreateTable
CREATE TABLE "DepartmentTask" (
    "workflowId" TEXT NOT NULL PRIMARY KEY,
    "receiptNumber" TEXT NOT NULL,
    "departmentCode" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "handlingOption" INTEGER NOT NULL,
    "dueDate" TEXT NOT NULL,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "deptReceiptNumber" TEXT,
    "signedForAt" DATETIME,
    "signedForById" TEXT,
    "reportOptions" TEXT,
    "reportText" TEXT,
    "reportDraft" TEXT,
    "reportSignedById" TEXT,
    "reportedAt" DATETIME,
    "acceptedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DepartmentTask_receiptNumber_fkey" FOREIGN KEY ("receiptNumber") REFERENCES "Directive" ("receiptNumber") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Notice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "noticeKey" TEXT NOT NULL,
    "recipientId" TEXT NOT NULL,
    "receiptNumber" TEXT NOT NULL,
    "departmentCode" TEXT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "readAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_TimelineEntry" (
    "workflowId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "receiptNumber" TEXT NOT NULL,
    "departmentCode" TEXT,
    "at" DATETIME NOT NULL,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT,
    "comment" TEXT,

    PRIMARY KEY ("workflowId", "seq"),
    CONSTRAINT "TimelineEntry_receiptNumber_fkey" FOREIGN KEY ("receiptNumber") REFERENCES "Directive" ("receiptNumber") ON DELETE RESTRICT ON UPDATE CASCADE
);
-- Entries so far were all the directive workflow's own (written by hand: Prisma cannot derive the key).
INSERT INTO "new_TimelineEntry" ("workflowId", "action", "actorId", "at", "comment", "fromState", "receiptNumber", "seq", "toState") SELECT 'directive-' || "receiptNumber", "action", "actorId", "at", "comment", "fromState", "receiptNumber", "seq", "toState" FROM "TimelineEntry";
DROP TABLE "TimelineEntry";
ALTER TABLE "new_TimelineEntry" RENAME TO "TimelineEntry";
CREATE INDEX "TimelineEntry_receiptNumber_at_idx" ON "TimelineEntry"("receiptNumber", "at");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "DepartmentTask_departmentCode_status_idx" ON "DepartmentTask"("departmentCode", "status");

-- CreateIndex
CREATE INDEX "DepartmentTask_dueDate_idx" ON "DepartmentTask"("dueDate");

-- CreateIndex
CREATE UNIQUE INDEX "DepartmentTask_receiptNumber_departmentCode_key" ON "DepartmentTask"("receiptNumber", "departmentCode");

-- CreateIndex
CREATE INDEX "Notice_recipientId_readAt_idx" ON "Notice"("recipientId", "readAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notice_noticeKey_recipientId_key" ON "Notice"("noticeKey", "recipientId");

