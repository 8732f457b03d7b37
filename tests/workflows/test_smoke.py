from datetime import date, timedelta
from decimal import Decimal

from schemas.complaint import ComplaintInput, ComplaintResult, workflow_id_for
from schemas.intake import Category, ComplaintIntake, Contact
from schemas.actions import FollowUpAnswer
from workflows.complaint import ComplaintWorkflow


async def test_smoke(env, worker, backend, task_queue):
    intake = ComplaintIntake(
        complaint_id="c1", customer_id="cu1", customer_name="Anna", contact=Contact(email="a@b.ee"),
        category=Category.DEFECTIVE_PRODUCT, description="The kettle stopped working after a week",
        order_reference="O-1", amount=Decimal("49.90"), receipt_present=True,
        purchase_date=date(2026, 11, 1),
    )
    handle = await env.client.start_workflow(
        ComplaintWorkflow.run, ComplaintInput(intake=intake), id=workflow_id_for("c1"), task_queue=task_queue
    )
    result = await handle.result()
    print(result)
    for e in await handle.query(ComplaintWorkflow.events):
        print(e)
    for m in backend.messages("c1"):
        print(m.kind, m.subject)
