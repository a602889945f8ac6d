from . import test_groups
from . import test_settings
from . import test_ui_tours
from . import test_grading  # grading (issue 3)
from . import test_credit_exposure  # credit control (issue 5)
from . import test_grading_tour  # grading (issue 3)
from . import test_customer_card  # grading (issue 3)
from . import test_grading_audit  # grading (issue 3, audit)
from . import test_credit_enforcement  # credit control (issue 5)
from . import test_credit_approval  # credit control (issue 5)
from . import test_credit_rights  # credit control (issue 5, audit)
from . import test_credit_limit_rights
from . import test_complaint_workflow  # complaints (issue 6)
# follow-up engine (issue 4)
from . import test_followup_kinds
from . import test_followup_engine
from . import test_followup_activity
from . import test_followup_security
from . import test_followup_kpi
from . import test_followup_wizards
from . import test_followup_tour
from . import test_followup_views
# end follow-up engine
from . import test_complaint_deadlines  # complaints (issue 6)
from . import test_complaint_security  # complaints (issue 6)
from . import test_complaint_portal  # complaints (issue 6)
from . import test_credit_concurrency  # credit control (issue 5)
from . import test_credit_tours  # credit control (issue 5)
from . import test_complaint_performance  # complaints (issue 6)
from . import test_translations
from . import test_customer_card_pdf
