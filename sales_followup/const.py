"""Selections, state machines and groups of states of the addon.

Each is written here once and imported by the models, wizards, reports and
controllers that need it, so that adding a state or a kind is one edit.
Selection labels are translated from the fields that use them.
"""
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# ---------------------------------------------------------------------------
# Customers: classification and the customer card
# ---------------------------------------------------------------------------
CUSTOMER_KINDS = [
    ('government', 'Government'),
    ('corporate', 'Corporate'),
    ('individual', 'Individual'),
]
CUSTOMER_GRADES = [
    ('a', 'A (key)'),
    ('b', 'B (general)'),
    ('c', 'C (occasional)'),
]
CUSTOMER_LIFECYCLES = [
    ('prospect', 'Prospect'),
    ('new', 'New'),
    ('active', 'Active'),
    ('dormant', 'Dormant'),
]
CUSTOMER_SIZES = [
    ('micro', 'Micro (1-9)'),
    ('small', 'Small (10-49)'),
    ('medium', 'Medium (50-249)'),
    ('large', 'Large (250+)'),
]
CUSTOMER_POTENTIALS = [
    ('low', 'Low'),
    ('medium', 'Medium'),
    ('high', 'High'),
]
# Recommended action per MAN profile; capitals mean "yes".
MAN_RECOMMENDATIONS = {
    'M+A+N': _lt("Ideal prospect: pursue now."),
    'M+A+n': _lt("Contact; skilled selling can create the need."),
    'M+a+N': _lt("Contact, and find the person who decides."),
    'm+A+N': _lt("Contact; check business and credit standing, consider financing."),
    'm+a+N': _lt("Contact; observe and nurture over the long term."),
    'm+A+n': _lt("Contact; observe and nurture over the long term."),
    'M+a+n': _lt("Contact; observe and nurture over the long term."),
    'm+a+n': _lt("Not a prospect: stop contacting."),
}
# Review cadence of a prospect by the number of MAN traits it has, as the
# grade whose cadence it shares: the more of M, A, N, the more often.
# No trait (m+a+n) is no prospect: never reviewed.
MAN_REVIEW_GRADES = {3: 'a', 2: 'b', 1: 'c'}
# The customer-card fields that count for card_completeness, per kind of
# customer: what the salesperson must know about each kind. A customer of
# no kind yet counts its kind as missing.
CARD_CONTACT_FIELDS = ('email', 'phone', 'street', 'city', 'country_id')
CARD_COMPLETENESS_FIELDS = {
    'individual': ('customer_kind', *CARD_CONTACT_FIELDS,
                   'birthday', 'customer_interests', 'customer_relationship_notes'),
    'corporate': ('customer_kind', *CARD_CONTACT_FIELDS,
                  'industry_id', 'customer_size', 'customer_potential', 'customer_service_area',
                  'customer_relationship_notes'),
    'government': ('customer_kind', *CARD_CONTACT_FIELDS,
                   'customer_potential', 'customer_service_area', 'customer_relationship_notes'),
    False: ('customer_kind', *CARD_CONTACT_FIELDS),
}

# Which customers of a salesperson a handover moves.
HANDOVER_SCOPES = [
    ('all', 'All their customers'),
    ('selection', 'A selection'),
]

# ---------------------------------------------------------------------------
# Company settings
# ---------------------------------------------------------------------------
GRADE_METHODS = [
    ('pareto', 'Pareto (share of revenue)'),
    ('threshold', 'Revenue thresholds'),
]
CREDIT_MODES = [
    ('off', 'Off'),
    ('warn', 'Warn (banner only)'),
    ('block', 'Block confirmation'),
    ('approval', 'Require approval'),
]
CREDIT_APPROVAL_STATES = [
    ('pending', 'Pending Approval'),
    ('approved', 'Approved'),
    ('rejected', 'Rejected'),
]

# ---------------------------------------------------------------------------
# Follow-up cards
# ---------------------------------------------------------------------------
FOLLOWUP_KINDS = [
    ('thank_you', 'Thank You'),
    ('delivery_check', 'Delivery Check'),
    ('payment_reminder', 'Payment Reminder'),
    ('payment_due', 'Payment Due'),
    ('broken_promise', 'Broken Promise'),
    ('review', 'Customer Review'),
    ('birthday', 'Birthday'),
    ('win_back', 'Win Back'),
    ('reorder', 'Reorder'),
    ('lost_quote', 'Lost Quotation'),
    ('complaint', 'Complaint Follow-up'),
    ('referral_ask', 'Ask for Referral'),
    ('referrer_thanks', 'Thank Referrer'),
    ('at_risk', 'Orders Dropping'),
    ('prospect_review', 'Prospect Review'),
    ('return', 'Return Check'),
]
FOLLOWUP_STATES = [
    ('todo', 'To Do'),
    ('in_progress', 'In Progress'),
    ('waiting', 'Waiting Customer'),
    ('done', 'Done'),
    ('cancelled', 'Cancelled'),
]
FOLLOWUP_OPEN_STATES = ('todo', 'in_progress', 'waiting')
# Cards about collecting an invoice: they carry promises to pay.
FOLLOWUP_COLLECTION_KINDS = ('payment_reminder', 'payment_due', 'broken_promise')
# Each step of a card: the states it starts from and the state it leads to.
# Buttons, their guards and direct writes of the state all read this table.
FOLLOWUP_STEPS = {
    'start': (('todo', 'waiting'), 'in_progress'),
    'wait': (('todo', 'in_progress'), 'waiting'),
    'done': (FOLLOWUP_OPEN_STATES, 'done'),
    'cancel': (FOLLOWUP_OPEN_STATES, 'cancelled'),
}
FOLLOWUP_DUE_STATUSES = [
    ('overdue', 'Overdue'),
    ('today', 'Due Today'),
    ('planned', 'Planned'),
    ('closed', 'Closed'),
]

# ---------------------------------------------------------------------------
# Complaints
# ---------------------------------------------------------------------------
COMPLAINT_CATEGORIES = [
    ('product_quality', 'Product Quality'),
    ('delivery', 'Delivery'),
    ('service', 'Service'),
    ('price', 'Price'),
    ('billing', 'Billing'),
    ('staff', 'Staff'),
    ('other', 'Other'),
]
COMPLAINT_SEVERITIES = [
    ('low', 'Low'),
    ('normal', 'Normal'),
    ('high', 'High'),
    ('critical', 'Critical'),
]
COMPLAINT_CHANNELS = [
    ('phone', 'Phone'),
    ('email', 'Email'),
    ('visit', 'Visit'),
    ('portal', 'Customer Portal'),
    ('other', 'Other'),
]
COMPLAINT_STATES = [
    ('new', 'New'),
    ('acknowledged', 'Acknowledged'),
    ('investigating', 'Investigating'),
    ('proposed', 'Solution Proposed'),
    ('resolved', 'Resolved'),
    ('closed', 'Closed'),
    ('cancelled', 'Cancelled'),
]
# The complaint still waits for us.
COMPLAINT_OPEN_STATES = ('new', 'acknowledged', 'investigating', 'proposed')
# Each step of the procedure: the states it starts from and the state it
# leads to. The buttons (can_<step>), the actions' guards and a direct write
# of the state all derive from this table; nothing leads back to 'new'.
COMPLAINT_STEPS = {
    'acknowledge': (('new',), 'acknowledged'),
    'investigate': (('acknowledged',), 'investigating'),
    'propose': (('acknowledged', 'investigating'), 'proposed'),
    'resolve': (('proposed',), 'resolved'),
    'close': (('resolved',), 'closed'),
    'cancel': (COMPLAINT_OPEN_STATES, 'cancelled'),
}
# Who caused the problem; shared by complaints and returns.
RESPONSIBILITIES = [
    ('salesperson', 'Salesperson'),
    ('delivery', 'Delivery Staff'),
    ('customer', 'Customer'),
    ('company_policy', 'Company Pricing/Policy'),
    ('product', 'Product'),
    ('other', 'Other'),
]
# What to do once the responsibility is known.
RESPONSIBILITY_ADVICE = {
    'salesperson': _lt("Our mistake: apologise to the customer."),
    'delivery': _lt("Report it to the delivery manager."),
    'customer': _lt("Understand the real reason behind the complaint."),
    'company_policy': _lt("Explain the policy to the customer and report the complaint to management."),
    'product': _lt("Report the defect so that the product gets fixed."),
    'other': _lt("Agree the next step with your manager."),
}
SOLUTION_TYPES = [
    ('apology', 'Apology'),
    ('repair', 'Repair'),
    ('replace', 'Replacement'),
    ('refund', 'Refund'),
    ('discount', 'Discount'),
    ('other', 'Other'),
]
SATISFACTION_LEVELS = [
    ('1', 'Very Dissatisfied'),
    ('2', 'Dissatisfied'),
    ('3', 'Neutral'),
    ('4', 'Satisfied'),
    ('5', 'Very Satisfied'),
]
