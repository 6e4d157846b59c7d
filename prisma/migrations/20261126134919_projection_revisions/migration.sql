-- AlterTable
ALTER TABLE "Attachment" ADD COLUMN "departmentCode" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Directive" (
    "receiptNumber" TEXT NOT NULL PRIMARY KEY,
    "workflowId" TEXT NOT NULL,
    "receiptYear" INTEGER NOT NULL,
    "receiptSequence" INTEGER NOT NULL,
    "sourceOrg" TEXT NOT NULL,
    "docNumber" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "receivedDate" TEXT NOT NULL,
    "urgency" TEXT NOT NULL,
    "secrecy" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "registeredById" TEXT NOT NULL,
    "registeredAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "leadDepartmentCode" TEXT,
    "handlingOption" INTEGER,
    "dueDate" TEXT,
    "dispatchedAt" DATETIME,
    "closedAt" DATETIME,
    "urgerId" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "signedForAt" DATETIME,
    "officeDueDate" TEXT,
    "handlingNumber" TEXT,
    "handlingPrefix" TEXT,
    "handlingSequence" INTEGER,
    "secrecyPeriod" TEXT,
    "copies" INTEGER,
    "pages" INTEGER,
    "replyText" TEXT,
    "repliedAt" DATETIME
);
INSERT INTO "new_Directive" ("closedAt", "copies", "dispatchedAt", "docNumber", "dueDate", "handlingNumber", "handlingOption", "leadDepartmentCode", "officeDueDate", "pages", "receiptNumber", "receiptSequence", "receiptYear", "receivedDate", "registeredAt", "registeredById", "repliedAt", "replyText", "secrecy", "secrecyPeriod", "signedForAt", "sourceOrg", "status", "title", "updatedAt", "urgency", "urgerId", "workflowId") SELECT "closedAt", "copies", "dispatchedAt", "docNumber", "dueDate", "handlingNumber", "handlingOption", "leadDepartmentCode", "officeDueDate", "pages", "receiptNumber", "receiptSequence", "receiptYear", "receivedDate", "registeredAt", "registeredById", "repliedAt", "replyText", "secrecy", "secrecyPeriod", "signedForAt", "sourceOrg", "status", "title", "updatedAt", "urgency", "urgerId", "workflowId" FROM "Directive";
DROP TABLE "Directive";
ALTER TABLE "new_Directive" RENAME TO "Directive";
CREATE UNIQUE INDEX "Directive_workflowId_key" ON "Directive"("workflowId");
CREATE INDEX "Directive_sourceOrg_docNumber_idx" ON "Directive"("sourceOrg", "docNumber");
CREATE INDEX "Directive_status_idx" ON "Directive"("status");
CREATE INDEX "Directive_registeredAt_idx" ON "Directive"("registeredAt");
CREATE INDEX "Directive_dueDate_idx" ON "Directive"("dueDate");
CREATE INDEX "Directive_receiptYear_handlingPrefix_handlingSequence_idx" ON "Directive"("receiptYear", "handlingPrefix", "handlingSequence");
CREATE UNIQUE INDEX "Directive_receiptYear_receiptSequence_key" ON "Directive"("receiptYear", "receiptSequence");
CREATE TABLE "new_DepartmentTask" (
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
    "handlerId" TEXT,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "extensionDueDate" TEXT,
    "extensionReason" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DepartmentTask_receiptNumber_fkey" FOREIGN KEY ("receiptNumber") REFERENCES "Directive" ("receiptNumber") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_DepartmentTask" ("acceptedAt", "departmentCode", "deptReceiptNumber", "dueDate", "extensionDueDate", "extensionReason", "handlerId", "handlingOption", "overdue", "receiptNumber", "reportDraft", "reportOptions", "reportSignedById", "reportText", "reportedAt", "role", "signedForAt", "signedForById", "status", "updatedAt", "workflowId") SELECT "acceptedAt", "departmentCode", "deptReceiptNumber", "dueDate", "extensionDueDate", "extensionReason", "handlerId", "handlingOption", "overdue", "receiptNumber", "reportDraft", "reportOptions", "reportSignedById", "reportText", "reportedAt", "role", "signedForAt", "signedForById", "status", "updatedAt", "workflowId" FROM "DepartmentTask";
DROP TABLE "DepartmentTask";
ALTER TABLE "new_DepartmentTask" RENAME TO "DepartmentTask";
CREATE INDEX "DepartmentTask_departmentCode_status_idx" ON "DepartmentTask"("departmentCode", "status");
CREATE INDEX "DepartmentTask_dueDate_idx" ON "DepartmentTask"("dueDate");
CREATE UNIQUE INDEX "DepartmentTask_receiptNumber_departmentCode_key" ON "DepartmentTask"("receiptNumber", "departmentCode");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

