-- AlterTable: whose turn it is to 审核 or 批示 (待办)
ALTER TABLE "Directive" ADD COLUMN "reviewTurn" TEXT;
ALTER TABLE "Directive" ADD COLUMN "instructionTurn" TEXT;
