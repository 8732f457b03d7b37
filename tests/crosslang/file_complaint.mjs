// A TypeScript/JavaScript service filing a complaint with plain JSON (docs/sdk.md),
// with the stock @temporalio/client and its default data converter (json/plain).
//
//   node file_complaint.mjs <address> <namespace> <task-queue> <workflow-id> <input.json>
//
// Files by update-with-start: the start and a `wait_until` for the acknowledgement go in
// one request, so it returns once the customer has the acknowledgement. Prints one JSON
// line: {"ok": true, "state": ..., "runId": ...} or {"ok": false, "error": ..., ...}.
import { readFileSync } from "node:fs";
import { Client, Connection, WithStartWorkflowOperation } from "@temporalio/client";

const [address, namespace, taskQueue, workflowId, inputPath] = process.argv.slice(2);
const input = JSON.parse(readFileSync(inputPath, "utf8"));

const connection = await Connection.connect({ address });
const client = new Client({ connection, namespace });

const failure = (err) =>
  err && { name: err.name, message: err.message, type: err.type, cause: failure(err.cause) };

try {
  const startWorkflowOperation = new WithStartWorkflowOperation("ComplaintWorkflow", {
    workflowId, // always `complaint-<intake.complaint_id>`
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: "USE_EXISTING",
    workflowIdReusePolicy: "ALLOW_DUPLICATE_FAILED_ONLY",
  });
  const state = await client.workflow.executeUpdateWithStart("wait_until", {
    startWorkflowOperation,
    args: [{ acknowledged: true, timeout: "PT30S" }], // durations: ISO 8601
  });
  const handle = await startWorkflowOperation.workflowHandle();
  console.log(JSON.stringify({ ok: true, state, runId: handle.firstExecutionRunId }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: failure(err) }));
} finally {
  await connection.close();
}
