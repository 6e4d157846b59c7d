-- The audit trail becomes a hash chain (core/audit.ts): before/after, whom the actor stood in for,
-- what the entry records (unique, so a retried projection appends nothing) and the chain's hashes.
-- Entries already here have no hash: the first entry appended after this migration seals them into
-- the chain, in id order.
ALTER TABLE "AuditEvent" ADD COLUMN "onBehalfOfId" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "before" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "after" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "sourceKey" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "sourceDigest" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "prevHash" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "hash" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_sourceKey_key" ON "AuditEvent"("sourceKey");

-- Append-only, enforced by the database for every writer. A sealed audit entry is never changed or
-- deleted; an entry not yet sealed may only receive its hashes. (Someone with the file can drop
-- these triggers: `npm run audit:verify` is what finds what they then changed.) A migration that
-- redefines one of these tables must create its triggers again.
CREATE TRIGGER "AuditEvent_append_only_update" BEFORE UPDATE ON "AuditEvent"
WHEN OLD."hash" IS NOT NULL
  OR NEW."id" IS NOT OLD."id" OR NEW."at" IS NOT OLD."at" OR NEW."actorId" IS NOT OLD."actorId"
  OR NEW."onBehalfOfId" IS NOT OLD."onBehalfOfId" OR NEW."action" IS NOT OLD."action"
  OR NEW."target" IS NOT OLD."target" OR NEW."before" IS NOT OLD."before"
  OR NEW."after" IS NOT OLD."after" OR NEW."detail" IS NOT OLD."detail"
  OR NEW."sourceKey" IS NOT OLD."sourceKey" OR NEW."sourceDigest" IS NOT OLD."sourceDigest"
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER "AuditEvent_append_only_delete" BEFORE DELETE ON "AuditEvent"
WHEN OLD."hash" IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

-- Timelines are append-only: rewriting an entry with the same values (an older worker's upsert)
-- passes, any change or deletion is refused.
CREATE TRIGGER "TimelineEntry_append_only_update" BEFORE UPDATE ON "TimelineEntry"
WHEN NEW."workflowId" IS NOT OLD."workflowId" OR NEW."seq" IS NOT OLD."seq"
  OR NEW."receiptNumber" IS NOT OLD."receiptNumber" OR NEW."departmentCode" IS NOT OLD."departmentCode"
  OR NEW."at" IS NOT OLD."at" OR NEW."actorId" IS NOT OLD."actorId"
  OR NEW."onBehalfOfId" IS NOT OLD."onBehalfOfId" OR NEW."action" IS NOT OLD."action"
  OR NEW."fromState" IS NOT OLD."fromState" OR NEW."toState" IS NOT OLD."toState"
  OR NEW."comment" IS NOT OLD."comment"
BEGIN
  SELECT RAISE(ABORT, 'the timeline is append-only');
END;

CREATE TRIGGER "TimelineEntry_append_only_delete" BEFORE DELETE ON "TimelineEntry"
BEGIN
  SELECT RAISE(ABORT, 'the timeline is append-only');
END;

CREATE TRIGGER "IntegrityEntry_append_only_update" BEFORE UPDATE ON "IntegrityEntry"
WHEN NEW."workflowId" IS NOT OLD."workflowId" OR NEW."seq" IS NOT OLD."seq"
  OR NEW."recordId" IS NOT OLD."recordId" OR NEW."caseId" IS NOT OLD."caseId"
  OR NEW."at" IS NOT OLD."at" OR NEW."actorId" IS NOT OLD."actorId"
  OR NEW."onBehalfOfId" IS NOT OLD."onBehalfOfId" OR NEW."action" IS NOT OLD."action"
  OR NEW."fromState" IS NOT OLD."fromState" OR NEW."toState" IS NOT OLD."toState"
  OR NEW."comment" IS NOT OLD."comment" OR NEW."detail" IS NOT OLD."detail"
BEGIN
  SELECT RAISE(ABORT, 'the timeline is append-only');
END;

CREATE TRIGGER "IntegrityEntry_append_only_delete" BEFORE DELETE ON "IntegrityEntry"
BEGIN
  SELECT RAISE(ABORT, 'the timeline is append-only');
END;
