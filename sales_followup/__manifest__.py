{
    'name': 'After-Sales Follow-up',
    'version': '19.0.1.4.0',
    'category': 'Sales/Sales',
    'summary': 'Grade customers, enforce credit limits, handle complaints '
               'and never forget a follow-up',
    'author': 'sales_followup developers',
    'license': 'LGPL-3',
    'depends': ['sale_management', 'sale_stock', 'account', 'mail'],
    'data': [
        'security/res_groups.xml',
        'security/ir.model.access.csv',
        'security/ir_rules.xml',

        'data/ir_sequence_data.xml',
        'data/ir_cron_data.xml',
        'data/mail_activity_type_data.xml',
        'data/mail_template_data.xml',

        'report/customer_card_report.xml',
        'report/customer_complaint_report_views.xml',
        'report/customer_followup_kpi_report_views.xml',
        'report/customer_team_dashboard_views.xml',

        'wizards/credit_reject_wizard_views.xml',
        'wizards/customer_complaint_close_wizard_views.xml',
        'wizards/customer_complaint_escalate_wizard_views.xml',
        'wizards/customer_followup_done_wizard_views.xml',
        'wizards/customer_followup_promise_wizard_views.xml',
        'wizards/sale_order_lost_wizard_views.xml',
        'wizards/customer_handover_wizard_views.xml',

        'views/customer_followup_views.xml',
        'views/customer_complaint_views.xml',
        'views/customer_complaint_portal_templates.xml',
        'views/res_partner_views.xml',
        'views/sale_order_views.xml',
        'views/account_move_views.xml',
        'views/product_template_views.xml',
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
}
