-- 阅件: a 拟办 that names no department; the leaders read it, then it is filed.
ALTER TABLE "Directive" ADD COLUMN "forReading" BOOLEAN NOT NULL DEFAULT false;
-- 会办意见送主办汇总: the opinions the 主办 received; the 主办 a 会办's opinion went to.
ALTER TABLE "DepartmentTask" ADD COLUMN "coOpinions" TEXT;
ALTER TABLE "DepartmentTask" ADD COLUMN "opinionTo" TEXT;
