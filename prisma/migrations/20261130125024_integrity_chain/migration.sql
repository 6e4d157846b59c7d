-- AlterTable
ALTER TABLE "DepartmentTask" ADD COLUMN "breachRecordId" TEXT;

-- AlterTable
ALTER TABLE "Attachment" ADD COLUMN "breachRecordId" TEXT;

-- CreateTable
CREATE TABLE "BreachRecord" (
    "recordId" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "subjectKind" TEXT NOT NULL,
    "subjectDepartmentCode" TEXT NOT NULL,
    "subjectPersonName" TEXT,
    "source" TEXT NOT NULL,
    "sourceRef" TEXT NOT NULL,
    "facts" TEXT NOT NULL,
    "principalName" TEXT NOT NULL,
    "principalTitle" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "loss" TEXT NOT NULL,
    "socialImpact" TEXT NOT NULL,
    "published" BOOLEAN NOT NULL,
    "occurredOn" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "dueDate" TEXT,
    "overdue" BOOLEAN NOT NULL DEFAULT false,
    "overdueSteps" INTEGER NOT NULL DEFAULT 0,
    "explanation" TEXT,
    "plan" TEXT,
    "completionReport" TEXT,
    "rectifiedAt" DATETIME,
    "repairableFrom" TEXT,
    "repairedAt" DATETIME,
    "revokedAt" DATETIME,
    "objectionDueDate" TEXT,
    "evidence" TEXT,
    "receiptNumber" TEXT,
    "taskWorkflowId" TEXT,
    "openedById" TEXT,
    "openedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "AccountabilityCase" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "subjectDepartmentCode" TEXT NOT NULL,
    "principalName" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "findings" TEXT,
    "mitigationShown" TEXT,
    "measure" TEXT,
    "periodMonths" INTEGER,
    "periodEnds" TEXT,
    "referredTo" TEXT,
    "mitigation" TEXT,
    "mitigationGrounds" TEXT,
    "mitigationExplanation" TEXT,
    "decisionReasons" TEXT,
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "objectionDueDate" TEXT,
    "finalAt" DATETIME,
    "openedById" TEXT,
    "openedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "Objection" (
    "workflowId" TEXT NOT NULL,
    "objectionId" INTEGER NOT NULL,
    "recordId" TEXT NOT NULL,
    "caseId" TEXT,
    "filedById" TEXT NOT NULL,
    "filedAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reviewerId" TEXT,
    "reviewedAt" DATETIME,
    "reviewReasons" TEXT,

    PRIMARY KEY ("workflowId", "objectionId")
);

-- CreateTable
CREATE TABLE "IntegrityEntry" (
    "workflowId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "recordId" TEXT NOT NULL,
    "caseId" TEXT,
    "at" DATETIME NOT NULL,
    "actorId" TEXT,
    "onBehalfOfId" TEXT,
    "action" TEXT NOT NULL,
    "fromState" TEXT,
    "toState" TEXT,
    "comment" TEXT,
    "detail" TEXT,

    PRIMARY KEY ("workflowId", "seq")
);

-- CreateTable
CREATE TABLE "IntegrityPolicyVersion" (
    "version" TEXT NOT NULL PRIMARY KEY,
    "policy" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Notice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "noticeKey" TEXT NOT NULL,
    "recipientId" TEXT NOT NULL,
    "receiptNumber" TEXT,
    "breachRecordId" TEXT,
    "departmentCode" TEXT,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "readAt" DATETIME
);
INSERT INTO "new_Notice" ("at", "body", "departmentCode", "id", "kind", "noticeKey", "readAt", "receiptNumber", "recipientId", "title") SELECT "at", "body", "departmentCode", "id", "kind", "noticeKey", "readAt", "receiptNumber", "recipientId", "title" FROM "Notice";
DROP TABLE "Notice";
ALTER TABLE "new_Notice" RENAME TO "Notice";
CREATE INDEX "Notice_recipientId_readAt_idx" ON "Notice"("recipientId", "readAt");
CREATE UNIQUE INDEX "Notice_noticeKey_recipientId_key" ON "Notice"("noticeKey", "recipientId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "BreachRecord_workflowId_key" ON "BreachRecord"("workflowId");

-- CreateIndex
CREATE UNIQUE INDEX "BreachRecord_taskWorkflowId_key" ON "BreachRecord"("taskWorkflowId");

-- CreateIndex
CREATE INDEX "BreachRecord_subjectDepartmentCode_status_idx" ON "BreachRecord"("subjectDepartmentCode", "status");

-- CreateIndex
CREATE INDEX "BreachRecord_openedAt_idx" ON "BreachRecord"("openedAt");

-- CreateIndex
CREATE INDEX "BreachRecord_receiptNumber_idx" ON "BreachRecord"("receiptNumber");

-- CreateIndex
CREATE UNIQUE INDEX "AccountabilityCase_workflowId_key" ON "AccountabilityCase"("workflowId");

-- CreateIndex
CREATE INDEX "AccountabilityCase_recordId_idx" ON "AccountabilityCase"("recordId");

-- CreateIndex
CREATE INDEX "AccountabilityCase_subjectDepartmentCode_decidedAt_idx" ON "AccountabilityCase"("subjectDepartmentCode", "decidedAt");

-- CreateIndex
CREATE INDEX "Objection_recordId_idx" ON "Objection"("recordId");

-- CreateIndex
CREATE INDEX "IntegrityEntry_recordId_at_idx" ON "IntegrityEntry"("recordId", "at");

