-- 代拟稿待后送出 (办理提示 4): the 代拟稿 follows the 回报单 on its own deadline.
ALTER TABLE "DepartmentTask" ADD COLUMN "draftToFollow" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "DepartmentTask" ADD COLUMN "draftDueDate" TEXT;
ALTER TABLE "DepartmentTask" ADD COLUMN "draftOverdue" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "DepartmentTask" ADD COLUMN "draftSentAt" DATETIME;
ALTER TABLE "DepartmentTask" ADD COLUMN "draftSentById" TEXT;
