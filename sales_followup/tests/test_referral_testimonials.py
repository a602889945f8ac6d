from ast import literal_eval

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common_referral import ReferralCase


@tagged('post_install', '-at_install')
class TestReferralTestimonials(ReferralCase):
    """A testimonial is quoted only with the customer's consent."""

    def setUp(self):
        super().setUp()
        self.referral = self._referral(self.customer, self.nova, user=self.salesperson).with_user(self.salesperson)
        self.referral.testimonial = 'They saved our launch.'

    def test_publishing_without_consent_is_refused(self):
        with self._refused(ValidationError, "without their consent"):
            self.referral.testimonial_published = True
        with self._refused(ValidationError, "without their consent"):
            self._referral(self.customer, self._partner('Birch'), user=self.salesperson,
                           testimonial='Great', testimonial_published=True)
        self.assertFalse(self.referral.testimonial_published)

    def test_consent_is_dated_and_allows_publishing(self):
        self.referral.testimonial_consent = True
        self.assertEqual(self.referral.testimonial_consent_date, fields.Date.today())
        self.referral.testimonial_published = True
        self.assertEqual(self.referral.testimonial_quote, "“They saved our launch.”\n— Lotus Trading")

    def test_withdrawing_consent_unpublishes(self):
        self.referral.write({'testimonial_consent': True, 'testimonial_published': True})
        self.referral.testimonial_consent = False
        self.assertRecordValues(self.referral, [{
            'testimonial_published': False, 'testimonial_consent_date': False,
        }])

    def test_nothing_to_publish(self):
        self.referral.write({'testimonial_consent': True, 'testimonial': False})
        with self._refused(ValidationError, "no testimonial"):
            self.referral.testimonial_published = True

    def test_testimonials_list_shows_the_published_ones(self):
        self.referral.write({'testimonial_consent': True, 'testimonial_published': True})
        unpublished = self._referral(self.customer, self._partner('Birch'), testimonial='Not yet')
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_customer_referral_testimonials')
        shown = self.Referral.with_user(self.salesperson).search(literal_eval(action['domain']))
        self.assertIn(self.referral, shown)
        self.assertNotIn(unpublished, shown)
