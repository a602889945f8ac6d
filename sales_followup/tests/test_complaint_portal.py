from datetime import timedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged('post_install', '-at_install')
class TestComplaintPortal(HttpCase):
    """The customer's "My account" pages, and the two tours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login='sf_complaint_seller', password='sf_complaint_seller',
            name='Complaint Seller', groups='sales_team.group_sale_salesman',
        )
        cls.product = cls.env['product.product'].create({'name': 'Desk Lamp', 'type': 'consu', 'list_price': 40.0})
        cls.customer = cls.env['res.partner'].create({
            'name': 'Portal Lotus', 'is_company': True, 'email': 'lotus@example.com',
            'user_id': cls.salesperson.id,
        })
        cls.contact = cls.env['res.partner'].create({
            'name': 'Lin Lotus', 'parent_id': cls.customer.id, 'email': 'lin@example.com'})
        cls.portal_user = new_test_user(
            cls.env, login='sf_complaint_customer', password='sf_complaint_customer',
            groups='base.group_portal', partner_id=cls.contact.id,
        )
        cls.other_customer = cls.env['res.partner'].create({
            'name': 'Portal Maple', 'is_company': True, 'email': 'maple@example.com'})
        cls.order = cls._confirmed_order(cls.customer)
        cls.other_order = cls._confirmed_order(cls.other_customer)
        Complaint = cls.env['customer.complaint']
        cls.own = Complaint.create({
            'partner_id': cls.customer.id, 'order_id': cls.order.id, 'category': 'product_quality',
            'description': 'The lamp flickers.', 'internal_note': '<p>SECRET supplier batch 42</p>',
        })
        cls.foreign = Complaint.create({
            'partner_id': cls.other_customer.id, 'order_id': cls.other_order.id,
            'description': 'Maple is unhappy.',
        })

    @classmethod
    def _confirmed_order(cls, partner):
        order = cls.env['sale.order'].create({
            'partner_id': partner.id, 'user_id': cls.salesperson.id,
            'order_line': [Command.create({'product_id': cls.product.id, 'product_uom_qty': 1.0})],
        })
        order.action_confirm()
        return order

    def _post(self, url, data):
        return self.url_open(url, data=dict(data, csrf_token=http.Request.csrf_token(self)), allow_redirects=False)

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------

    def test_portal_lists_own_complaints_with_state(self):
        self.authenticate('sf_complaint_customer', 'sf_complaint_customer')
        response = self.url_open('/my/complaints')
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.own.name, response.text)
        self.assertIn('New', response.text)
        self.assertNotIn(self.foreign.name, response.text)
        home = self.url_open('/my')
        self.assertIn('/my/complaints', home.text)

    def test_complaint_page_shows_state_but_never_internal_notes(self):
        self.own.action_acknowledge()
        self.own.sudo().message_post(body='Internal: blame the supplier', message_type='comment',
                                     subtype_xmlid='mail.mt_note')
        self.authenticate('sf_complaint_customer', 'sf_complaint_customer')
        response = self.url_open('/my/complaints/%s' % self.own.id)
        self.assertEqual(response.status_code, 200)
        self.assertIn('The lamp flickers.', response.text)
        self.assertIn('Acknowledged', response.text)
        self.assertNotIn('SECRET', response.text)
        self.assertNotIn('blame the supplier', response.text)

    def test_other_customers_complaint_is_not_found(self):
        self.authenticate('sf_complaint_customer', 'sf_complaint_customer')
        for complaint_id in (self.foreign.id, self.foreign.id + 100000):
            with self.subTest(complaint_id=complaint_id):
                response = self.url_open('/my/complaints/%s' % complaint_id)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn('Maple is unhappy', response.text)

    def test_other_customers_order_cannot_be_used(self):
        self.authenticate('sf_complaint_customer', 'sf_complaint_customer')
        response = self.url_open('/my/complaints/new?order_id=%s' % self.other_order.id)
        self.assertEqual(response.status_code, 404)
        count = self.env['customer.complaint'].search_count([])
        response = self._post('/my/complaints/new', {
            'order_id': self.other_order.id, 'category': 'delivery', 'description': 'Sneaky'})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.env['customer.complaint'].search_count([]), count)
        # The form only offers the customer's own orders.
        form = self.url_open('/my/complaints/new')
        self.assertIn(self.order.name, form.text)
        self.assertNotIn(self.other_order.name, form.text)

    def test_customer_files_a_complaint_about_own_order(self):
        self.authenticate('sf_complaint_customer', 'sf_complaint_customer')
        order_page = self.url_open('/my/orders/%s' % self.order.id)
        self.assertIn('/my/complaints/new?order_id=%s' % self.order.id, order_page.text)
        form = self.url_open('/my/complaints/new?order_id=%s' % self.order.id)
        self.assertEqual(form.status_code, 200)
        self.assertIn('Desk Lamp', form.text)  # the order's products are offered
        response = self._post('/my/complaints/new', {
            'order_id': self.order.id, 'product_id': self.product.id,
            'category': 'delivery', 'description': 'Two weeks late'})
        self.assertEqual(response.status_code, 303)
        complaint = self.env['customer.complaint'].search([('description', '=', 'Two weeks late')])
        self.assertRecordValues(complaint, [{
            'partner_id': self.contact.id, 'order_id': self.order.id, 'product_id': self.product.id,
            'category': 'delivery', 'channel': 'portal', 'state': 'new', 'user_id': self.salesperson.id,
            'company_id': self.order.company_id.id,
        }])
        self.assertIn('/my/complaints/%s' % complaint.id, response.headers['Location'])
        self.assertIn(self.contact, complaint.message_partner_ids)
        # The salesperson hears about it.
        self.assertEqual(complaint.activity_ids.user_id, self.salesperson)
        self.assertEqual(complaint.activity_ids.date_deadline, complaint.reply_deadline)

    def test_invalid_portal_complaint_changes_nothing(self):
        self.authenticate('sf_complaint_customer', 'sf_complaint_customer')
        count = self.env['customer.complaint'].search_count([])
        for data in (
            {'order_id': self.order.id, 'category': 'delivery', 'description': '   '},
            {'order_id': self.order.id, 'category': 'nonsense', 'description': 'Bad category'},
            {'order_id': '', 'category': 'delivery', 'description': 'No order'},
            {'order_id': self.order.id, 'category': 'delivery', 'description': 'Wrong product',
             'product_id': self.env['product.product'].create({'name': 'Other'}).id},
        ):
            with self.subTest(data=data):
                response = self._post('/my/complaints/new', data)
                self.assertEqual(response.status_code, 200)
                self.assertIn('is-invalid', response.text)
        self.assertEqual(self.env['customer.complaint'].search_count([]), count)

    def test_anonymous_visitor_is_sent_to_login(self):
        response = self.url_open('/my/complaints', allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn('/web/login', response.headers['Location'])
        response = self.url_open('/my/complaints/%s' % self.own.id)
        self.assertEqual(response.status_code, 404)

    # ------------------------------------------------------------------
    # Tours
    # ------------------------------------------------------------------

    def test_tour_portal_user_files_a_complaint(self):
        self.start_tour('/my', 'sales_followup_complaint_portal', login='sf_complaint_customer')
        complaint = self.env['customer.complaint'].search([('description', '=', 'The box arrived crushed')])
        self.assertRecordValues(complaint, [{
            'partner_id': self.contact.id, 'order_id': self.order.id, 'category': 'delivery',
            'channel': 'portal', 'state': 'new',
        }])

    def test_tour_internal_user_takes_a_complaint_from_new_to_closed(self):
        lamp_customer = self.env['res.partner'].create({
            'name': 'Tour Lamp Customer', 'is_company': True, 'email': 'lamp@example.com',
            'user_id': self.salesperson.id})
        complaint = self.env['customer.complaint'].create({
            'partner_id': lamp_customer.id, 'category': 'product_quality', 'description': 'Broken lamp',
        })
        late_customer = self.env['res.partner'].create({
            'name': 'Tour Overdue Customer', 'is_company': True, 'user_id': self.salesperson.id})
        self.env['customer.complaint'].create({
            'partner_id': late_customer.id, 'description': 'Nobody answered',
            'date_received': fields.Date.today() - timedelta(days=20),
        })
        self.start_tour('/odoo/action-sales_followup.action_customer_complaint',
                        'sales_followup_complaint_internal', login='sf_complaint_seller')
        self.assertRecordValues(complaint, [{
            'state': 'closed', 'responsibility': 'delivery', 'satisfaction': '5',
            'solution': 'Send a new lamp by express',
        }])
        self.assertEqual(len(complaint.followup_ids), 2)  # the call-back (done) and the better offer
        self.assertEqual(complaint.followup_ids.filtered(lambda c: c.state == 'done').kind, 'complaint')
