"""Selections, state machines and groups of states of the addon.

Each is written here once and imported by the models, wizards, reports and
controllers that need it, so that adding a state or a kind is one edit.
Selection labels are translated from the fields that use them.
"""
from collections import namedtuple

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
    'delivery': _lt("Apologise first, then report it to the delivery manager."),
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

# ---------------------------------------------------------------------------
# Returns
# ---------------------------------------------------------------------------
RETURN_TYPES = [
    ('before_delivery', 'Before Delivery'),
    ('after_delivery', 'After Delivery'),
]
RETURN_REASONS = [
    ('defect', 'Defect'),
    ('wrong_item', 'Wrong Item'),
    ('damaged', 'Damaged in Transit'),
    ('not_as_described', 'Not as Described'),
    ('changed_mind', 'Changed Mind'),
    ('late_delivery', 'Late Delivery'),
    ('price_dispute', 'Price or Policy Dispute'),
    ('other', 'Other'),
]
# Reasons about the goods themselves: they are refunded or exchanged within
# the exchange window, opened or not.
RETURN_QUALITY_REASONS = ('defect', 'wrong_item', 'damaged', 'not_as_described')
# A defect or damage the customer caused (responsibility "customer"): repair
# only, at any age.
RETURN_CUSTOMER_DAMAGE_REASONS = ('defect', 'damaged')
RETURN_RESOLUTIONS = [
    ('refund', 'Refund'),
    ('exchange', 'Exchange'),
    ('repair', 'Repair'),
]
# The resolutions that send goods back to the customer once done.
RETURN_REDELIVERY_RESOLUTIONS = ('exchange', 'repair')
# Decisions that need a reason, asked by the decision wizard.
RETURN_DECISIONS = [
    ('reject', 'Reject'),
    ('save_order', 'Order Saved'),
]
RETURN_STATES = [
    ('draft', 'Requested'),
    ('approved', 'Approved'),
    ('received', 'Received'),
    ('done', 'Done'),
    ('rejected', 'Rejected'),
    ('cancelled', 'Cancelled'),
]
# The return still needs work from us.
RETURN_OPEN_STATES = ('draft', 'approved', 'received')
# Approved returns and later ones: the goods are on their way back or came
# back. Their amounts are returned amounts.
RETURN_ACCEPTED_STATES = ('approved', 'received', 'done')
# Each step of a return: the states it starts from and the state it leads
# to. The buttons (can_<step>), the actions' guards and a direct write of the
# state all derive from this table. 'receive' is the validation of the
# return transfer; 'save_order' cancels a return the customer gave up.
RETURN_STEPS = {
    'approve': (('draft',), 'approved'),
    'receive': (('approved',), 'received'),
    'done': (('approved', 'received'), 'done'),
    'reject': (('draft',), 'rejected'),
    'cancel': (('draft', 'approved'), 'cancelled'),
    'save_order': (('draft', 'approved'), 'cancelled'),
}
# Referrals
# ---------------------------------------------------------------------------
REFERRAL_STATES = [
    ('new', 'New'),
    ('contacted', 'Contacted'),
    ('qualified', 'Qualified'),
    ('won', 'Won'),
    ('lost', 'Lost'),
]
# Referrals still being worked on: they move with the customer to a new salesperson.
REFERRAL_OPEN_STATES = ('new', 'contacted', 'qualified')
# Each step of a referral: the states it starts from and the state it leads
# to. The buttons (can_<step>), the actions' guards and a direct write of the
# state all derive from this table.
REFERRAL_STEPS = {
    'contact': (('new',), 'contacted'),
    'qualify': (('new', 'contacted'), 'qualified'),
    'lose': (REFERRAL_OPEN_STATES, 'lost'),
    'reopen': (('lost',), 'new'),
}
# Steps only the referred customer's orders take: a referral is won when the
# customer's first order since the referral is confirmed, and goes back to
# qualified when that order is cancelled before the reward is granted.
REFERRAL_ORDER_STEPS = {
    'win': ((*REFERRAL_OPEN_STATES, 'lost'), 'won'),
    'unwin': (('won',), 'qualified'),
}
REFERRAL_REWARD_TYPES = [
    ('none', 'No Reward'),
    ('gift', 'Gift'),
    ('discount', 'Discount Coupon'),
    ('commission', 'Commission'),
]
REFERRAL_REWARD_STATES = [
    ('none', 'None'),
    ('pending', 'To Grant'),
    ('granted', 'Granted'),
]
# A manager's decision about a centre of influence, over the computed one.
REFERRAL_CENTER_OVERRIDES = [
    ('yes', 'Centre of Influence'),
    ('no', 'Not a Centre of Influence'),
]
# Customer cards in a spreadsheet: import, template and export
# ---------------------------------------------------------------------------
# The columns of a customer-card sheet, in sheet order: its header, the
# partner field it sets, the type of its values, and its label.
# The parser, the template, the export and the accepted headers all derive
# from this list: a column is recognised by its header, its English label or
# the label's zh_CN translation, whatever the case.
CardColumn = namedtuple('CardColumn', ['key', 'field', 'type', 'label'])
CUSTOMER_CARD_COLUMNS = [
    CardColumn('name', 'name', 'text', _lt("Name")),
    CardColumn('ref', 'ref', 'text', _lt("Reference")),
    CardColumn('customer_kind', 'customer_kind', 'kind', _lt("Customer Kind")),
    CardColumn('email', 'email', 'email', _lt("Email")),
    CardColumn('phone', 'phone', 'text', _lt("Phone")),
    CardColumn('city', 'city', 'text', _lt("City")),
    CardColumn('country_code', 'country_id', 'country', _lt("Country Code")),
    CardColumn('birthday', 'birthday', 'date', _lt("Birthday")),
    CardColumn('grade', 'customer_grade', 'grade', _lt("Grade")),
    CardColumn('money', 'man_money', 'yes_no', _lt("Money")),
    CardColumn('authority', 'man_authority', 'yes_no', _lt("Authority")),
    CardColumn('need', 'man_need', 'yes_no', _lt("Need")),
    CardColumn('credit_limit', 'credit_limit', 'amount', _lt("Credit Limit")),
    CardColumn('salesperson', 'user_id', 'login', _lt("Salesperson")),
    CardColumn('referred_by', 'referred_by_id', 'referrer', _lt("Referred By")),
]
# Yes/no cells: the value and its word, written in files and accepted in
# every language besides yes, y, true, 1 and their opposites.
CUSTOMER_CARD_YES_NO = {
    True: _lt("yes"),
    False: _lt("no"),
}

# ---------------------------------------------------------------------------
# Reports: what an empty dimension is shown as when rows are grouped
# ---------------------------------------------------------------------------
NO_SALESPERSON = _lt("No Salesperson")
NO_RESPONSIBILITY = _lt("Not Determined Yet")
NO_SOLUTION = _lt("No Solution Yet")
NO_SALES_TEAM = _lt("No Sales Team")
NO_PRODUCT = _lt("No Product")
