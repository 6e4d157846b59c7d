-- AlterTable
ALTER TABLE "DepartmentTask" ADD COLUMN "extensionDueDate" TEXT;
ALTER TABLE "DepartmentTask" ADD COLUMN "extensionReason" TEXT;

