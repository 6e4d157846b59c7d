-- 涉密 clearance: the highest 密级 a person may read on an accredited deployment.
ALTER TABLE "User" ADD COLUMN "clearance" TEXT NOT NULL DEFAULT '非密';
