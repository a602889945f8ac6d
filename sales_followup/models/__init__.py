from . import res_company
from . import res_config_settings
from . import res_partner
from . import res_partner_grading  # grading (issue 3)
from . import customer_grading  # grading (issue 3)
from . import credit_exposure  # credit control (issue 5)
from . import credit_lock  # credit control (issue 5)
from . import sale_order
from . import sale_order_line  # credit control (issue 5)
from . import payment_transaction  # credit control (issue 5)
# follow-up engine (issue 4)
from . import customer_followup
from . import customer_followup_generator
from . import followup_kpi_report
from . import mail_activity
from . import product_template
from . import account_move
# end follow-up engine
# complaints (issue 6)
from . import customer_complaint
from . import customer_complaint_report
# end complaints
