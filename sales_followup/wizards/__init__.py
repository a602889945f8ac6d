# --- follow-up engine (issue 4) ---
from . import customer_followup_done_wizard
from . import customer_followup_promise_wizard
from . import sale_order_lost_wizard
# --- end follow-up engine ---
from . import credit_reject_wizard  # credit control (issue 5)
# --- complaints (issue 6) ---
from . import customer_complaint_escalate_wizard
from . import customer_complaint_close_wizard
# --- end complaints ---
