-- The routing policy version a directive was registered under (its printed forms quote it).
ALTER TABLE "Directive" ADD COLUMN "policyVersion" TEXT;
