from odoo import Command, http
from odoo.tests import HttpCase, new_test_user, tagged


@tagged('post_install', '-at_install')
class TestReturnPortal(HttpCase):
    """Customers request a return of their own delivered order on the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login='sf_return_seller', password='sf_return_seller',
            name='Return Seller', groups='sales_team.group_sale_salesman',
        )
        cls.product = cls.env['product.product'].create({'name': 'Desk Lamp', 'type': 'consu', 'list_price': 40.0})
        cls.customer = cls.env['res.partner'].create({
            'name': 'Portal Lotus', 'is_company': True, 'email': 'lotus@example.com',
            'user_id': cls.salesperson.id,
        })
        cls.contact = cls.env['res.partner'].create({
            'name': 'Lin Lotus', 'parent_id': cls.customer.id, 'email': 'lin@example.com'})
        cls.portal_user = new_test_user(
            cls.env, login='sf_return_customer', password='sf_return_customer',
            groups='base.group_portal', partner_id=cls.contact.id,
        )
        cls.other_customer = cls.env['res.partner'].create({
            'name': 'Portal Maple', 'is_company': True, 'email': 'maple@example.com'})
        cls.order = cls._delivered_order(cls.customer, 3.0)
        cls.other_order = cls._delivered_order(cls.other_customer, 2.0)
        cls.undelivered = cls.env['sale.order'].create({
            'partner_id': cls.customer.id, 'user_id': cls.salesperson.id,
            'order_line': [Command.create({'product_id': cls.product.id, 'product_uom_qty': 1.0})],
        })
        cls.undelivered.action_confirm()
        cls.foreign = cls.env['customer.return'].create({
            'order_id': cls.other_order.id, 'reason': 'defect', 'description': 'Maple is unhappy.',
            'line_ids': [Command.create({'product_id': cls.product.id, 'quantity': 1.0})],
        })

    @classmethod
    def _delivered_order(cls, partner, quantity):
        order = cls.env['sale.order'].create({
            'partner_id': partner.id, 'user_id': cls.salesperson.id,
            'order_line': [Command.create({'product_id': cls.product.id, 'product_uom_qty': quantity})],
        })
        order.action_confirm()
        order.picking_ids.move_ids.quantity = quantity
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        return order

    def _post(self, url, data):
        return self.url_open(url, data=dict(data, csrf_token=http.Request.csrf_token(self)), allow_redirects=False)

    def _request(self, **data):
        values = {'order_id': self.order.id, 'qty_%s' % self.order.order_line.id: '1',
                  'reason': 'defect', 'description': 'It flickers.'}
        values.update(data)
        return self._post('/my/returns/new', values)

    def _count(self):
        return self.env['customer.return'].search_count([])

    def test_customer_requests_a_return_of_own_delivered_order(self):
        self.authenticate('sf_return_customer', 'sf_return_customer')
        order_page = self.url_open('/my/orders/%s' % self.order.id)
        self.assertIn('/my/returns/new?order_id=%s' % self.order.id, order_page.text)
        form = self.url_open('/my/returns/new?order_id=%s' % self.order.id)
        self.assertEqual(form.status_code, 200)
        self.assertIn('Desk Lamp', form.text)
        response = self._request(**{'qty_%s' % self.order.order_line.id: '2', 'goods_unopened': 'on'})
        self.assertEqual(response.status_code, 303)
        ret = self.env['customer.return'].search([('order_id', '=', self.order.id)])
        self.assertRecordValues(ret, [{
            'partner_id': self.contact.id, 'state': 'draft', 'return_type': 'after_delivery', 'reason': 'defect',
            'goods_unopened': True, 'description': 'It flickers.', 'user_id': self.salesperson.id,
            'company_id': self.order.company_id.id,
        }])
        self.assertEqual(ret.line_ids.mapped(lambda line: (line.product_id, line.quantity)), [(self.product, 2.0)])
        self.assertIn('/my/returns/%s' % ret.id, response.headers['Location'])
        # The salesperson hears about it, the customer gets an acknowledgement.
        self.assertEqual(ret.activity_ids.user_id, self.salesperson)
        acknowledgement = ret.message_ids.filtered(lambda m: m.subject and 'received your return request' in m.subject)
        self.assertEqual(len(acknowledgement), 1)
        self.assertIn(self.contact, acknowledgement.partner_ids)
        page = self.url_open('/my/returns/%s' % ret.id)
        self.assertEqual(page.status_code, 200)
        self.assertIn('It flickers.', page.text)
        self.assertIn('Requested', page.text)
        listing = self.url_open('/my/returns')
        self.assertIn(ret.name, listing.text)
        self.assertNotIn(self.foreign.name, listing.text)

    def test_other_customers_order_and_return_are_not_found(self):
        self.authenticate('sf_return_customer', 'sf_return_customer')
        count = self._count()
        response = self.url_open('/my/returns/new?order_id=%s' % self.other_order.id)
        self.assertEqual(response.status_code, 404)
        response = self._request(order_id=self.other_order.id,
                                 **{'qty_%s' % self.other_order.order_line.id: '1'})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._count(), count)
        for return_id in (self.foreign.id, self.foreign.id + 100000):
            with self.subTest(return_id=return_id):
                response = self.url_open('/my/returns/%s' % return_id)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn('Maple is unhappy', response.text)
        # Only delivered orders of the customer are offered.
        form = self.url_open('/my/returns/new')
        self.assertIn(self.order.name, form.text)
        self.assertNotIn(self.other_order.name, form.text)
        self.assertNotIn(self.undelivered.name, form.text)
        self.assertEqual(self.url_open('/my/returns/new?order_id=%s' % self.undelivered.id).status_code, 404)

    def test_too_large_a_quantity_is_shown_on_the_form(self):
        self.authenticate('sf_return_customer', 'sf_return_customer')
        count = self._count()
        key = 'qty_%s' % self.order.order_line.id
        for data, message in (
            ({key: '4'}, 'At most 3.0'),
            ({key: '-1'}, 'Enter a positive quantity'),
            ({key: 'lots'}, 'Enter a number'),
            ({key: 'nan'}, 'Enter a number'),
            ({key: '0'}, 'at least one product'),
            ({'reason': 'bored'}, 'Tell us why'),
        ):
            with self.subTest(data=data):
                response = self._request(**data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertEqual(self._count(), count)

    def test_portal_home_counts_the_returns(self):
        self.env['customer.return'].create({
            'order_id': self.order.id, 'reason': 'defect',
            'line_ids': [Command.create({'product_id': self.product.id, 'quantity': 1.0})],
        })
        self.authenticate('sf_return_customer', 'sf_return_customer')
        home = self.url_open('/my')
        self.assertIn('/my/returns', home.text)
        counters = self.make_jsonrpc_request('/my/counters', {'counters': ['return_count']})
        self.assertEqual(counters['return_count'], 1)

    def test_anonymous_visitor_is_sent_to_login(self):
        response = self.url_open('/my/returns', allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn('/web/login', response.headers['Location'])
        self.assertEqual(self.url_open('/my/returns/%s' % self.foreign.id).status_code, 404)
