/**
 * Starting an improvement cycle from another workflow (a regression in
 * Control, an improvement trigger, a quality review's action): a child that
 * lives on its own once started (ABANDON), under the id the caller derived,
 * so a start made by an earlier attempt or run counts as done.
 */
import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { CYCLE_WORKFLOW, type CycleWorkflowInput, cycleWorkflowId } from '../src/contracts/cycle';
import { initialCycleSearchAttributes } from '../src/contracts/search-attributes';

export async function startCycleWorkflow(input: CycleWorkflowInput, opts: { rejectDuplicate?: boolean } = {}): Promise<void> {
  const { intake } = input;
  try {
    await startChild(CYCLE_WORKFLOW, {
      workflowId: cycleWorkflowId(intake.cycleId),
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // A cycle id is opened once, even if that cycle has closed by the time a retry comes.
      ...(opts.rejectDuplicate ? { workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE } : {}),
      typedSearchAttributes: initialCycleSearchAttributes(intake),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
