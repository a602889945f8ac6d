{
    'name': 'After-Sales Follow-up',
    'version': '19.0.1.2.0',
    'category': 'Sales/Sales',
    'summary': 'Grade customers, enforce credit limits, handle complaints, '
               'returns and referrals, and never forget a follow-up',
    'description': """
Keep the customers you already have: after-sales work (thanking, checking,
collecting, complaints, returns, referrals) becomes records, kanban boards
and daily reminders.
""",
    'author': 'sales_followup developers',
    'website': '',
    'license': 'LGPL-3',
    'depends': ['sale_management', 'sale_stock', 'account', 'mail'],
    'data': [
        'security/sales_followup_groups.xml',
        'security/ir.model.access.csv',
        # grading (issue 3)
        'security/res_partner_grading_security.xml',
        'data/ir_cron_grading.xml',
        'report/customer_card_report.xml',
        # end grading
        # credit control (issue 5)
        'security/sales_followup_credit_rules.xml',
        'data/credit_activity_data.xml',
        'wizards/credit_reject_wizard_views.xml',
        'views/sale_order_views.xml',
        # end credit control
        # follow-up engine (issue 4)
        'security/sales_followup_rules.xml',
        'data/ir_sequence_data.xml',
        'data/mail_activity_type_data.xml',
        'data/ir_cron_followups.xml',
        'views/customer_followup_views.xml',
        'views/followup_kpi_report_views.xml',
        'views/product_template_views.xml',
        'views/account_move_views.xml',
        # end follow-up engine
        # complaints (issue 6)
        'security/customer_complaint_security.xml',
        'data/ir_sequence_complaint.xml',
        'data/mail_template_complaint.xml',
        'data/ir_cron_complaints.xml',
        'wizards/customer_complaint_wizard_views.xml',
        'views/customer_complaint_views.xml',
        'views/customer_complaint_portal_templates.xml',
        # end complaints
        'views/res_partner_views.xml',
        'views/res_config_settings_views.xml',
        'views/sales_followup_menus.xml',
    ],
    'demo': [
        'demo/res_partner_demo.xml',
    ],
    'assets': {
        'web.assets_tests': [
            'sales_followup/static/src/tours/**/*',
        ],
    },
    'application': True,
    'installable': True,
}
