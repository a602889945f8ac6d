{
    'name': 'After-Sales Follow-up',
    'version': '19.0.1.0.0',
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
        'data/res_partner_data.xml',
        'data/ir_cron_grading.xml',
        'report/customer_card_report.xml',
        # end grading
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
