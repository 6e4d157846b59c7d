/** The worker's workflow bundle entry: re-exports only. */
export { directiveWorkflow } from './directive';
export { incomingRegisterWorkflow } from './incoming-register';
export { departmentTaskWorkflow } from './department-task';
export { breachRecordWorkflow } from './breach-record';
export { accountabilityCaseWorkflow } from './accountability-case';
export { noticeOutboxWorkflow } from './notice-outbox';
