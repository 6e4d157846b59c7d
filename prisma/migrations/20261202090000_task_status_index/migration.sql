-- 待办 of the office (审核回报, 审核代拟稿) asks for tasks by status across all departments.
CREATE INDEX "DepartmentTask_status_idx" ON "DepartmentTask"("status");
