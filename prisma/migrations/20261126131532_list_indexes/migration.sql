-- CreateIndex
CREATE INDEX "Directive_registeredAt_idx" ON "Directive"("registeredAt");

-- CreateIndex
CREATE INDEX "Directive_dueDate_idx" ON "Directive"("dueDate");

