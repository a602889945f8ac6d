import re
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields, http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common_referral import ReferralCase


class SatisfactionCase(ReferralCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.followup_satisfaction_request = True
        cls.order = cls._order(cls.nova_contact, amount=120.0)

    def _thank_you_card(self, order=None):
        order = order or self.order
        return self.Followup.create({
            'kind': 'thank_you', 'partner_id': order.partner_id.id, 'order_id': order.id,
            'user_id': order.user_id.id, 'occasion_key': 'sale.order,%s' % order.id,
            'date_due': fields.Date.today(),
        })

    def _request_mails(self, order=None):
        order = order or self.order
        return self.env['mail.mail'].search([
            ('model', '=', 'sale.order'), ('res_id', '=', order.id), ('subject', 'ilike', 'how did we do')])

    def _rating(self, order=None):
        return (order or self.order).sudo().rating_ids

    def _rate(self, score, feedback='', order=None):
        """What the rating page does when the customer sends it."""
        order = order or self.order
        self._thank_you_card(order)
        rating = self._rating(order)
        order.sudo().rating_apply(score, rating=rating, feedback=feedback, subtype_xmlid=None)
        return rating


@tagged('post_install', '-at_install')
class TestSatisfactionLoop(SatisfactionCase):
    """Thank, ask for a rating, and act on it: a referral request for a
    satisfied customer, a complaint for an unhappy one."""

    def test_thank_you_card_sends_one_rating_request_per_order(self):
        self._thank_you_card()
        [mail] = self._request_mails()
        self.assertEqual(mail.recipient_ids, self.nova_contact)
        self.assertEqual(mail.author_id, self.salesperson.partner_id)
        self.assertIn('Thank you for your order', mail.subject)
        token = self._rating().access_token
        for score in range(1, 6):
            self.assertIn('/rate/%s/%s' % (token, score), mail.body_html)
        self.assertTrue(self.order.followup_rating_requested)
        # Another thank-you card for the same order (made by hand): no second e-mail.
        self.Followup.create({'kind': 'thank_you', 'partner_id': self.nova_contact.id, 'order_id': self.order.id})
        self.assertEqual(len(self._request_mails()), 1)
        self.assertEqual(len(self._rating()), 1)

    def test_daily_cron_thanks_and_asks_after_delivery(self):
        product = self.env['product.product'].create({'name': 'Shelf', 'type': 'consu', 'list_price': 80.0})
        order = self._order(self.nova, confirm=False)
        order.order_line.product_id = product
        order.action_confirm()
        pickings = order.picking_ids
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings._action_done()
        due = fields.Date.today() + timedelta(days=self.company.followup_thanks_delay)
        with patch.object(type(self.env['ir.cron']), '_commit_progress', return_value=float('inf')):
            cards = self.env['customer.followup.generator']._generate_followups(today=due, kinds=('thank_you',))
        self.assertEqual(cards.order_id, order)
        self.assertEqual(len(self._request_mails(order)), 1)

    def test_no_request_when_the_company_does_not_ask_or_nobody_reads(self):
        self.company.followup_satisfaction_request = False
        self._thank_you_card()
        self.assertFalse(self._request_mails())
        self.assertFalse(self.order.followup_rating_requested)
        self.company.followup_satisfaction_request = True
        no_email = self._partner('No Mail Ltd')
        order = self._order(no_email)
        self._thank_you_card(order)
        self.assertFalse(self._request_mails(order))

    def test_satisfied_customer_gets_a_referral_request(self):
        rating = self._rate(5, 'Great desk')
        self.assertRecordValues(self.order, [{'rating_last_value': 5.0}])
        card = self._cards('referral_ask')
        self.assertRecordValues(card, [{
            'partner_id': self.nova_contact.id, 'order_id': self.order.id, 'user_id': self.salesperson.id,
            'occasion_key': 'rating.rating,%s' % rating.id, 'state': 'todo',
        }])
        self.assertTrue(card.activity_ids)
        # Rated again (same link): still one card.
        self.order.sudo().rating_apply(4, rating=rating, feedback='Good', subtype_xmlid=None)
        self.assertEqual(self._cards('referral_ask'), card)
        self.assertFalse(self.env['customer.complaint'].search([('order_id', '=', self.order.id)]))

    def test_unhappy_customer_gets_a_complaint(self):
        rating = self._rate(2, 'The desk wobbles')
        complaint = self.env['customer.complaint'].search([('order_id', '=', self.order.id)])
        self.assertRecordValues(complaint, [{
            'state': 'new', 'user_id': self.salesperson.id, 'partner_id': self.nova_contact.id,
            'description': 'The desk wobbles', 'company_id': self.company.id,
        }])
        self.assertEqual(complaint.sudo().rating_id, rating)
        self.assertEqual(complaint.activity_ids.user_id, self.salesperson)
        self.order.sudo().rating_apply(1, rating=rating, feedback='Still wobbling', subtype_xmlid=None)
        self.assertEqual(self.env['customer.complaint'].search([('order_id', '=', self.order.id)]), complaint)
        self.assertFalse(self._cards('referral_ask'))

    def test_unhappy_without_comment_still_says_what_happened(self):
        self._rate(1)
        complaint = self.env['customer.complaint'].search([('order_id', '=', self.order.id)])
        self.assertIn('1/5', complaint.description)

    def test_neutral_rating_only_counts(self):
        self._rate(3)
        self.assertFalse(self._cards('referral_ask'))
        self.assertFalse(self.env['customer.complaint'].search([('order_id', '=', self.order.id)]))
        self.assertRecordValues(self.nova, [{'satisfaction_avg': 3.0, 'satisfaction_count': 1}])

    def test_closed_complaint_satisfied_asks_for_a_referral(self):
        complaint = self.env['customer.complaint'].create({
            'partner_id': self.nova.id, 'order_id': self.order.id, 'description': 'Late delivery',
        })
        complaint.action_acknowledge()
        complaint.write({'responsibility': 'delivery', 'solution': 'Discount on next order'})
        complaint.action_propose()
        complaint.action_resolve()
        complaint.satisfaction = '5'
        complaint.action_close()
        card = self._cards('referral_ask')
        self.assertRecordValues(card, [{
            'partner_id': self.nova.id, 'order_id': self.order.id,
            'occasion_key': 'customer.complaint,%s' % complaint.id,
        }])
        unhappy = self.env['customer.complaint'].create({
            'partner_id': self.nova.id, 'description': 'Wrong colour',
        })
        unhappy.action_acknowledge()
        unhappy.write({'responsibility': 'product', 'solution': 'Apology'})
        unhappy.action_propose()
        unhappy.action_resolve()
        unhappy.satisfaction = '3'
        unhappy.action_close()
        self.assertEqual(self._cards('referral_ask'), card)

    def test_card_done_with_a_happy_customer_asks_for_a_referral(self):
        card = self.Followup.create({
            'kind': 'delivery_check', 'partner_id': self.nova.id, 'user_id': self.salesperson.id,
        })
        action = card.with_user(self.salesperson).action_open_done_wizard()
        wizard = self.env[action['res_model']].with_user(self.salesperson).with_context(**action['context']).create({
            'outcome': 'Installed, the customer loves it', 'satisfied': True})
        wizard.action_confirm()
        ask = self._cards('referral_ask')
        self.assertRecordValues(ask, [{
            'partner_id': self.nova.id, 'user_id': self.salesperson.id,
            'occasion_key': 'customer.followup,%s' % card.id,
        }])
        self.assertTrue(card.outcome_satisfied)
        # Plain "done" does not ask, nor does a referral card itself.
        plain = self.Followup.create({'kind': 'review', 'partner_id': self.nova.id})
        plain.action_mark_done('Reviewed')
        ask.action_mark_done('Asked', satisfied=True)
        self.assertEqual(self._cards('referral_ask'), ask)

    def test_satisfaction_counts_ratings_and_closed_complaints(self):
        self._rate(5)
        second = self._order(self.nova)
        self._rate(4, order=second)
        complaint = self.env['customer.complaint'].create({'partner_id': self.nova.id, 'description': 'Noise'})
        complaint.action_acknowledge()
        complaint.write({'responsibility': 'product', 'solution': 'Repair'})
        complaint.action_propose()
        complaint.action_resolve()
        complaint.satisfaction = '3'
        complaint.action_close()
        # An open complaint has no satisfaction yet; another customer's rating is not Nova's.
        self.env['customer.complaint'].create({'partner_id': self.nova.id, 'description': 'Open'})
        self._rate(1, order=self._order(self.other_customer))
        self.nova.invalidate_recordset()
        self.assertRecordValues(self.nova | self.nova_contact, [
            {'satisfaction_avg': 4.0, 'satisfaction_count': 3},
            {'satisfaction_avg': 4.0, 'satisfaction_count': 3},
        ])

    def test_salespeople_cannot_forge_order_ratings(self):
        self._thank_you_card()
        rating = self._rating()
        Rating = self.env['rating.rating'].with_user(self.salesperson)
        with self.assertRaises(AccessError):
            rating.with_user(self.salesperson).write({'rating': 5.0, 'consumed': True})
        with self.assertRaises(AccessError):
            Rating.create({
                'res_model_id': self.env['ir.model']._get_id('sale.order'), 'res_id': self.order.id,
                'partner_id': self.nova.id, 'rating': 5.0, 'consumed': True,
            })
        self.assertRecordValues(rating, [{'rating': 0.0, 'consumed': False}])
        self.assertEqual(self.nova.satisfaction_count, 0)


@tagged('post_install', '-at_install')
class TestRatingLink(SatisfactionCase, HttpCase):
    """The customer follows the link of the e-mail, without logging in."""

    def _token(self, order=None):
        order = order or self.order
        self._thank_you_card(order)
        mail = self._request_mails(order)
        return re.search(r'/rate/(\w+)/5', mail.body_html).group(1)

    def _submit(self, token, score, feedback=''):
        page = self.url_open('/rate/%s/%s' % (token, score))
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        return self.url_open('/rate/%s/submit_feedback' % token,
                             data={'rate': score, 'feedback': feedback, 'csrf_token': csrf})

    def test_link_shows_the_five_scores_with_the_clicked_one_selected(self):
        token = self._token()
        page = self.url_open('/rate/%s/4' % token)
        self.assertEqual(page.status_code, 200)
        for score in range(1, 6):
            self.assertIn('id="rate_%s"' % score, page.text)
        self.assertRegex(page.text, r'id="rate_4"[^>]*checked')
        # Opening the link rates nothing yet: mail scanners open links too.
        self.assertFalse(self._rating().consumed)

    def test_each_outcome_over_http(self):
        token = self._token()
        response = self._submit(token, 5, 'Lovely')
        self.assertEqual(response.status_code, 200)
        self.assertIn('Thank you for your feedback', response.text)
        self.assertRecordValues(self._rating(), [{'rating': 5.0, 'consumed': True, 'feedback': 'Lovely'}])
        self.assertEqual(len(self._cards('referral_ask')), 1)

        neutral = self._order(self.nova)
        self._submit(self._token(neutral), 3)
        self.assertEqual(self._rating(neutral).rating, 3.0)

        unhappy = self._order(self.nova)
        self._submit(self._token(unhappy), 2, 'Arrived broken')
        complaint = self.env['customer.complaint'].search([('order_id', '=', unhappy.id)])
        self.assertRecordValues(complaint, [{'state': 'new', 'description': 'Arrived broken'}])
        self.assertEqual(len(self._cards('referral_ask')), 1)
        self.assertRecordValues(self.nova, [{'satisfaction_avg': 10 / 3, 'satisfaction_count': 3}])

    def test_bad_scores_and_tokens_are_refused(self):
        token = self._token()
        self.assertEqual(self.url_open('/rate/%s/7' % token).status_code, 400)
        self.assertEqual(self.url_open('/rate/%s/0' % token).status_code, 400)
        self.assertEqual(self.url_open('/rate/notatoken/5').status_code, 404)
        page = self.url_open('/rate/%s/5' % token)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open('/rate/%s/submit_feedback' % token, data={'rate': '9', 'csrf_token': csrf})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._rating().consumed)

    def test_another_customer_logged_in_cannot_rate(self):
        token = self._token()
        portal = self.env['res.users'].create({
            'name': 'Maple Portal', 'login': 'sf_referral_maple', 'password': 'sf_referral_maple',
            'partner_id': self.other_customer.id,
            'group_ids': [Command.set(self.env.ref('base.group_portal').ids)],
        })
        self.authenticate(portal.login, 'sf_referral_maple')
        response = self.url_open('/rate/%s/submit_feedback' % token,
                                 data={'rate': 1, 'csrf_token': http.Request.csrf_token(self)})
        self.assertIn('You cannot rate', response.text)
        self.assertFalse(self._rating().consumed)
        self.assertFalse(self.env['customer.complaint'].search([('order_id', '=', self.order.id)]))
