from . import customer_complaint_report
from . import customer_followup_kpi_report
from . import customer_referral_center_report
from . import customer_team_dashboard
