-- CreateIndex
CREATE INDEX "AuditEvent_action_target_at_idx" ON "AuditEvent"("action", "target", "at");

