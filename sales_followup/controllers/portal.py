from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..const import COMPLAINT_CATEGORIES


class ComplaintPortal(CustomerPortal):
    """"My account" pages where customers follow and file complaints.

    Other customers' complaints and orders answer 404, whether they exist or
    not, so that ids cannot be probed."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if 'complaint_count' in counters:
            Complaint = request.env['customer.complaint']
            values['complaint_count'] = (
                Complaint.search_count(self._complaint_portal_domain()) if Complaint.has_access('read') else 0)
        return values

    def _complaint_portal_domain(self):
        return [('commercial_partner_id', '=', request.env.user.partner_id.commercial_partner_id.id)]

    def _complaint_order_domain(self):
        return [
            ('partner_id', 'child_of', [request.env.user.partner_id.commercial_partner_id.id]),
            ('state', '=', 'sale'),
        ]

    def _complaint_portal_orders(self):
        SaleOrder = request.env['sale.order']
        if not SaleOrder.has_access('read'):
            return SaleOrder
        return SaleOrder.search(self._complaint_order_domain(), order='date_order desc')

    @http.route(['/my/complaints', '/my/complaints/page/<int:page>'], type='http', auth='user', website=True)
    def portal_my_complaints(self, page=1, **kwargs):
        Complaint = request.env['customer.complaint']
        domain = self._complaint_portal_domain()
        values = self._prepare_portal_layout_values()
        count = Complaint.search_count(domain) if Complaint.has_access('read') else 0
        pager = portal_pager(url='/my/complaints', total=count, page=page, step=self._items_per_page)
        complaints = Complaint.search(
            domain, limit=self._items_per_page, offset=pager['offset']) if count else Complaint
        request.session['my_complaints_history'] = complaints.ids[:100]
        values.update({
            'complaints': complaints.sudo(),
            'page_name': 'complaint',
            'pager': pager,
            'default_url': '/my/complaints',
            'can_file': bool(self._complaint_portal_orders()),
        })
        return request.render('sales_followup.portal_my_complaints', values)

    @http.route(['/my/complaints/<int:complaint_id>'], type='http', auth='public', website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, **kwargs):
        try:
            complaint_sudo = self._document_check_access('customer.complaint', complaint_id, access_token)
        except (AccessError, MissingError):
            raise request.not_found() from None
        values = self._prepare_portal_layout_values()
        values.update({'complaint': complaint_sudo, 'page_name': 'complaint'})
        values = self._get_page_view_values(
            complaint_sudo, access_token, values, 'my_complaints_history', False, **kwargs)
        return request.render('sales_followup.portal_my_complaint', values)

    @http.route(['/my/complaints/new'], type='http', auth='user', website=True, methods=['GET', 'POST'])
    def portal_new_complaint(self, order_id=None, **post):
        orders = self._complaint_portal_orders()
        order = self._complaint_portal_order(orders, order_id)
        if order_id and not order:
            raise request.not_found()
        error = {}
        if request.httprequest.method == 'POST':
            description = (post.get('description') or '').strip()
            category = post.get('category')
            if not order:
                error['order_id'] = request.env._("Choose the order your complaint is about.")
            if not description:
                error['description'] = request.env._("Tell us what went wrong.")
            if category not in dict(COMPLAINT_CATEGORIES):
                error['category'] = request.env._("Choose what your complaint is about.")
            product = self._complaint_portal_product(order, post.get('product_id'))
            if post.get('product_id') and not product:
                error['product_id'] = request.env._("Choose a product of this order.")
            if not error:
                complaint = self._create_portal_complaint(order, category, description, product)
                return request.redirect(complaint.get_portal_url())
        values = self._prepare_portal_layout_values()
        values.update({
            'page_name': 'complaint_new',
            'orders': orders.sudo(),
            'order': order.sudo(),
            'categories': request.env['customer.complaint']._fields['category']._description_selection(request.env),
            'error': error,
            'post': post,
        })
        return request.render('sales_followup.portal_new_complaint', values)

    def _complaint_portal_order(self, orders, order_id):
        try:
            order_id = int(order_id or 0)
        except ValueError:
            return orders.browse()
        return orders.filtered(lambda o: o.id == order_id)

    def _complaint_portal_product(self, order, product_id):
        try:
            product_id = int(product_id or 0)
        except ValueError:
            return request.env['product.product']
        return order.sudo().order_line.product_id.filtered(lambda p: p.id == product_id)

    def _create_portal_complaint(self, order, category, description, product):
        # Customers cannot create records themselves; the order was checked
        # to be theirs above, the rest comes from the order.
        partner = request.env.user.partner_id
        order_sudo = order.sudo()
        complaint = request.env['customer.complaint'].sudo().with_company(order_sudo.company_id).create({
            'partner_id': partner.id,
            'order_id': order_sudo.id,
            'product_id': product.id or False,
            'company_id': order_sudo.company_id.id,
            'user_id': order_sudo.user_id.id or False,
            'category': category,
            'description': description,
            'channel': 'portal',
        })
        complaint.message_subscribe(partner_ids=partner.ids)
        complaint._notify_new_portal_complaint()
        return complaint
