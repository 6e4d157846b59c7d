-- 待办 of the office (审批延期) asks for the tasks awaiting a report that have a 延期 pending:
-- with status alone, SQLite read every open task to find the few with extensionDueDate set, so
-- an empty 待办 grew with the open work. The pair serves both that and the lookups by status.
DROP INDEX "DepartmentTask_status_idx";
CREATE INDEX "DepartmentTask_status_extensionDueDate_idx" ON "DepartmentTask"("status", "extensionDueDate");
