-- The incoming document's own elements (GB/T 9704) and the office's 办理意见.
ALTER TABLE "Directive" ADD COLUMN "copyNumber" TEXT;
ALTER TABLE "Directive" ADD COLUMN "writtenDate" TEXT;
ALTER TABLE "Directive" ADD COLUMN "printedBy" TEXT;
ALTER TABLE "Directive" ADD COLUMN "printedOn" TEXT;
ALTER TABLE "Directive" ADD COLUMN "mainRecipients" TEXT;
ALTER TABLE "Directive" ADD COLUMN "copiedTo" TEXT;
ALTER TABLE "Directive" ADD COLUMN "publicity" TEXT;
ALTER TABLE "Directive" ADD COLUMN "issuer" TEXT;
ALTER TABLE "Directive" ADD COLUMN "summary" TEXT;
ALTER TABLE "Directive" ADD COLUMN "bodyText" TEXT;
ALTER TABLE "Directive" ADD COLUMN "proposalComment" TEXT;
