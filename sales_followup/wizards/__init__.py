from . import credit_reject_wizard
from . import customer_complaint_close_wizard
from . import customer_complaint_escalate_wizard
from . import customer_followup_done_wizard
from . import customer_followup_promise_wizard
from . import sale_order_lost_wizard
from . import customer_handover_wizard
