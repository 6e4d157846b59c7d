-- AlterTable
ALTER TABLE "Directive" ADD COLUMN "leaderIds" TEXT;
ALTER TABLE "Directive" ADD COLUMN "departmentCodes" TEXT;
