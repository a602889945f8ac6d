import math

from odoo import Command, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import float_compare

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..const import RETURN_REASONS


class ReturnPortal(CustomerPortal):
    """"My account" pages where customers follow their returns and ask to
    return goods of a delivered order.

    Other customers' returns and orders answer 404, whether they exist or
    not, so that ids cannot be probed."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if 'return_count' in counters:
            Return = request.env['customer.return']
            values['return_count'] = (
                Return.search_count(self._return_portal_domain()) if Return.has_access('read') else 0)
        return values

    def _return_portal_domain(self):
        return [('commercial_partner_id', '=', request.env.user.partner_id.commercial_partner_id.id)]

    def _return_portal_orders(self):
        """The customer's confirmed orders with goods delivered."""
        SaleOrder = request.env['sale.order']
        if not SaleOrder.has_access('read'):
            return SaleOrder
        orders = SaleOrder.search([
            ('partner_id', 'child_of', [request.env.user.partner_id.commercial_partner_id.id]),
            ('state', '=', 'sale'),
        ], order='date_order desc')
        return orders.filtered(lambda order: any(line.qty_delivered > 0 for line in order.sudo().order_line))

    @http.route(['/my/returns', '/my/returns/page/<int:page>'], type='http', auth='user', website=True)
    def portal_my_returns(self, page=1, **kwargs):
        Return = request.env['customer.return']
        domain = self._return_portal_domain()
        values = self._prepare_portal_layout_values()
        count = Return.search_count(domain) if Return.has_access('read') else 0
        pager = portal_pager(url='/my/returns', total=count, page=page, step=self._items_per_page)
        returns = Return.search(domain, limit=self._items_per_page, offset=pager['offset']) if count else Return
        request.session['my_returns_history'] = returns.ids[:100]
        values.update({
            'returns': returns.sudo(),
            'page_name': 'return',
            'pager': pager,
            'default_url': '/my/returns',
            'can_request': bool(self._return_portal_orders()),
        })
        return request.render('sales_followup.portal_my_returns', values)

    @http.route(['/my/returns/<int:return_id>'], type='http', auth='public', website=True)
    def portal_my_return(self, return_id, access_token=None, **kwargs):
        try:
            return_sudo = self._document_check_access('customer.return', return_id, access_token)
        except (AccessError, MissingError):
            raise request.not_found() from None
        values = self._prepare_portal_layout_values()
        values.update({'customer_return': return_sudo, 'page_name': 'return'})
        values = self._get_page_view_values(
            return_sudo, access_token, values, 'my_returns_history', False, **kwargs)
        return request.render('sales_followup.portal_my_return', values)

    @http.route(['/my/returns/new'], type='http', auth='user', website=True, methods=['GET', 'POST'])
    def portal_new_return(self, order_id=None, **post):
        orders = self._return_portal_orders()
        order = self._return_portal_order(orders, order_id)
        if order_id and not order:
            raise request.not_found()
        returnable = self._return_portal_returnable(order)
        error = {}
        if request.httprequest.method == 'POST':
            quantities = self._return_portal_quantities(order, returnable, post, error)
            if not order:
                error['order_id'] = request.env._("Choose the order you want to return goods from.")
            if post.get('reason') not in dict(RETURN_REASONS):
                error['reason'] = request.env._("Tell us why you return the goods.")
            if order and not error and not quantities:
                error['lines'] = request.env._("Enter the quantity of at least one product to return.")
            if not error:
                customer_return = self._create_portal_return(order, quantities, post, error)
                if customer_return:
                    return request.redirect(customer_return.get_portal_url())
        values = self._prepare_portal_layout_values()
        values.update({
            'page_name': 'return_new',
            'orders': orders.sudo(),
            'order': order.sudo(),
            'returnable': returnable,
            'reasons': request.env['customer.return']._fields['reason']._description_selection(request.env),
            'error': error,
            'post': post,
        })
        return request.render('sales_followup.portal_new_return', values)

    def _return_portal_order(self, orders, order_id):
        try:
            order_id = int(order_id or 0)
        except ValueError:
            return orders.browse()
        return orders.filtered(lambda o: o.id == order_id)

    def _return_portal_returnable(self, order):
        """[(order line, quantity that can still be returned)] of ``order``."""
        if not order:
            return []
        lines = order.sudo().order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment and line.product_id.type == 'consu')
        quantities = request.env['customer.return.line'].sudo()._returnable_quantities(lines, 'after_delivery')
        return [(line, quantities[line.id]) for line in lines if quantities[line.id] > 0]

    def _return_portal_quantities(self, order, returnable, post, error):
        """{order line: quantity} asked on the form; a bad quantity is
        reported in ``error`` under its input's name."""
        quantities = {}
        for line, maximum in returnable:
            key = 'qty_%s' % line.id
            raw = (post.get(key) or '').strip()
            if not raw:
                continue
            try:
                quantity = float(raw)
            except ValueError:
                quantity = float('nan')
            if not math.isfinite(quantity):
                error[key] = request.env._("Enter a number.")
                continue
            if quantity < 0:
                error[key] = request.env._("Enter a positive quantity.")
            elif float_compare(quantity, maximum, precision_rounding=line.product_uom_id.rounding) > 0:
                error[key] = request.env._(
                    "At most %(quantity)s %(unit)s can be returned.", quantity=maximum, unit=line.product_uom_id.name)
            elif quantity > 0:
                quantities[line] = quantity
        return quantities

    def _create_portal_return(self, order, quantities, post, error):
        # Customers cannot create records themselves; the order was checked
        # to be theirs above, the rest comes from the order.
        partner = request.env.user.partner_id
        order_sudo = order.sudo()
        try:
            with request.env.cr.savepoint():
                customer_return = request.env['customer.return'].sudo().with_company(order_sudo.company_id).create({
                    'partner_id': partner.id,
                    'order_id': order_sudo.id,
                    'company_id': order_sudo.company_id.id,
                    'user_id': order_sudo.user_id.id or False,
                    'reason': post['reason'],
                    'description': (post.get('description') or '').strip() or False,
                    'goods_unopened': bool(post.get('goods_unopened')),
                    'line_ids': [
                        Command.create({'sale_line_id': line.id, 'quantity': quantity})
                        for line, quantity in quantities.items()
                    ],
                })
        except (UserError, ValidationError) as exc:
            error['lines'] = exc.args[0]
            return False
        customer_return.message_subscribe(partner_ids=partner.ids)
        customer_return._notify_new_portal_return()
        customer_return._send_customer_email('sales_followup.mail_template_return_received')
        return customer_return
