-- AlterTable
ALTER TABLE "Directive" ADD COLUMN "leaderIds" TEXT;
