"""19.0.1.4.0: the call-back after a resolved complaint falls within 1 to 7
days of the resolution; bring a company's delay outside that range to the
nearest bound, so that saving any other after-sales setting still works.
Complaints already resolved or closed stay as they are: the workflow only
governs the steps still to come."""


def migrate(cr, version):
    cr.execute("""
        UPDATE res_company
           SET followup_complaint_followup_days = LEAST(GREATEST(COALESCE(followup_complaint_followup_days, 3), 1), 7)
         WHERE followup_complaint_followup_days IS NULL
            OR followup_complaint_followup_days NOT BETWEEN 1 AND 7
    """)
