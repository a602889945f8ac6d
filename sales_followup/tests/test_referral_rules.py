import itertools

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_referral import ReferralCase


@tagged('post_install', '-at_install')
class TestReferralRules(ReferralCase):
    """Who referred whom: no self-referral, referred at most once, no cycle,
    whatever the path (referral, partner field, import), and
    ``referred_by_id`` always in step with the referral."""

    def _assert_no_referral(self, *partners):
        for partner in partners:
            self.assertFalse(self.Referral.search([('referred_commercial_id', '=', partner.commercial_partner_id.id)]))

    # ------------------------------------------------------------------
    # Both ways
    # ------------------------------------------------------------------

    def test_referral_sets_referred_by_on_the_company_and_its_contacts(self):
        referral = self._referral(self.customer, self.nova_contact)
        self.assertTrue(referral.name.startswith('REF/'))
        self.assertRecordValues(referral, [{
            'state': 'new', 'referred_commercial_id': self.nova.id, 'referrer_commercial_id': self.customer.id,
            'user_id': self.salesperson.id, 'company_id': self.company.id,
        }])
        self.assertEqual(self.nova.referred_by_id, self.customer)
        self.assertEqual(self.nova_contact.referred_by_id, self.customer)

    def test_setting_referred_by_creates_the_referral(self):
        self.nova.with_user(self.salesperson).referred_by_id = self.customer
        referral = self.Referral.search([('referred_commercial_id', '=', self.nova.id)])
        self.assertRecordValues(referral, [{
            'referrer_id': self.customer.id, 'referred_id': self.nova.id, 'state': 'new',
            'user_id': self.salesperson.id,
        }])
        self.assertEqual(self.nova_contact.referred_by_id, self.customer)

    def test_setting_referred_by_on_a_contact_refers_its_company(self):
        self.nova_contact.referred_by_id = self.lotus_contact
        referral = self.Referral.search([('referred_commercial_id', '=', self.nova.id)])
        self.assertRecordValues(referral, [{'referrer_id': self.lotus_contact.id, 'referred_id': self.nova_contact.id}])
        self.assertEqual(self.nova.referred_by_id, self.lotus_contact)

    def test_creating_a_partner_with_referred_by_creates_the_referral(self):
        partner = self.env['res.partner'].with_user(self.salesperson).create({
            'name': 'Quill Studio', 'is_company': True, 'referred_by_id': self.customer.id,
        })
        self.assertEqual(partner.referred_by_id, self.customer)
        self.assertEqual(self.Referral.search([('referred_id', '=', partner.id)]).referrer_id, self.customer)

    def test_new_contact_of_a_referred_company_is_no_second_referral(self):
        self._referral(self.customer, self.nova)
        contact = self.env['res.partner'].create({'name': 'Ned Nova', 'parent_id': self.nova.id})
        self.assertEqual(contact.referred_by_id, self.customer)
        self.assertEqual(self.Referral.search_count([('referred_commercial_id', '=', self.nova.id)]), 1)

    def test_changing_referred_by_corrects_the_referrer(self):
        referral = self._referral(self.customer, self.nova)
        other = self._partner('Birch Ltd')
        self.nova.referred_by_id = other
        self.assertEqual(referral.referrer_id, other)
        self.assertEqual(self.Referral.search_count([('referred_commercial_id', '=', self.nova.id)]), 1)
        referral.referrer_id = self.customer
        self.assertEqual(self.nova.referred_by_id, self.customer)

    def test_clearing_referred_by_deletes_the_referral(self):
        referral = self._referral(self.customer, self.nova)
        self.nova.with_user(self.salesperson).referred_by_id = False
        self.assertFalse(referral.exists())
        self.assertFalse(self.nova_contact.referred_by_id)

    def test_deleting_the_referral_clears_referred_by(self):
        self._referral(self.customer, self.nova).unlink()
        self.assertFalse(self.nova.referred_by_id)
        self.assertFalse(self.nova_contact.referred_by_id)

    def test_won_referral_is_neither_deleted_nor_cleared(self):
        referral = self._referral(self.customer, self.nova)
        self._order(self.nova)
        self.assertEqual(referral.state, 'won')
        with self.assertRaises(UserError):
            referral.unlink()
        with self.assertRaises(UserError):
            self.nova.referred_by_id = False
        self.assertTrue(referral.exists())
        self.assertEqual(self.nova.referred_by_id, self.customer)

    # ------------------------------------------------------------------
    # No self-referral
    # ------------------------------------------------------------------

    def test_no_self_referral_of_any_kind(self):
        cases = [
            (self.nova, self.nova),
            (self.nova_contact, self.nova),
            (self.nova, self.nova_contact),
            (self.nova_contact, self.env['res.partner'].create({'name': 'Nell Nova', 'parent_id': self.nova.id})),
        ]
        for referrer, referred in cases:
            with self.subTest(referrer=referrer.name, referred=referred.name):
                with self._refused(ValidationError, "cannot refer itself"):
                    self._referral(referrer, referred)
                with self._refused(ValidationError, "cannot refer itself"):
                    referred.referred_by_id = referrer
                self._assert_no_referral(referred)
                self.assertFalse(referred.referred_by_id)

    def test_no_self_referral_by_moving_a_referral(self):
        referral = self._referral(self.customer, self.nova)
        with self._refused(ValidationError, "cannot refer itself"):
            referral.referrer_id = self.nova_contact
        self.assertEqual(referral.referrer_id, self.customer)
        self.assertEqual(self.nova.referred_by_id, self.customer)

    # ------------------------------------------------------------------
    # Referred at most once
    # ------------------------------------------------------------------

    def test_referred_at_most_once(self):
        self._referral(self.customer, self.nova)
        other = self._partner('Birch Ltd')
        with self._refused(ValidationError, "already been referred"):
            self._referral(other, self.nova)
        with self._refused(ValidationError, "already been referred"):
            self._referral(other, self.nova_contact)
        self.assertEqual(self.Referral.search([('referred_commercial_id', '=', self.nova.id)]).referrer_id,
                         self.customer)

    def test_referred_twice_in_one_batch(self):
        other = self._partner('Birch Ltd')
        with self._refused(ValidationError, "referred twice"):
            self.Referral.create([
                {'referrer_id': self.customer.id, 'referred_id': self.nova.id},
                {'referrer_id': other.id, 'referred_id': self.nova_contact.id},
            ])
        self._assert_no_referral(self.nova)

    def test_moving_a_referral_onto_a_referred_customer(self):
        self._referral(self.customer, self.nova)
        other = self._partner('Birch Ltd')
        moved = self._referral(self.customer, other)
        with self._refused(ValidationError, "already been referred"):
            moved.referred_id = self.nova_contact
        self.assertEqual(moved.referred_id, other)

    # ------------------------------------------------------------------
    # No cycles
    # ------------------------------------------------------------------

    def test_no_cycle_of_two(self):
        self._referral(self.customer, self.nova)
        with self._refused(ValidationError, "circle"):
            self._referral(self.nova_contact, self.lotus_contact)
        with self._refused(ValidationError, "circle"):
            self.customer.referred_by_id = self.nova
        self._assert_no_referral(self.customer)
        self.assertFalse(self.customer.referred_by_id)

    def test_no_cycle_of_any_length(self):
        chain = [self._partner('Chain %s' % index) for index in range(6)]
        for referrer, referred in itertools.pairwise(chain):
            self._referral(referrer, referred)
        with self._refused(ValidationError, "circle"):
            self._referral(chain[-1], chain[0])
        with self._refused(ValidationError, "circle"):
            chain[0].referred_by_id = chain[3]
        self._assert_no_referral(chain[0])
        # A branch beside the chain is no cycle.
        self._referral(chain[-1], self._partner('Leaf'))

    def test_no_cycle_by_moving_a_referral(self):
        first = self._referral(self.customer, self.nova)
        other = self._partner('Birch Ltd')
        second = self._referral(self.nova, other)
        with self._refused(ValidationError, "circle"):
            first.referrer_id = other
        self.assertEqual(first.referrer_id, self.customer)
        self.assertEqual(second.referrer_id, self.nova)

    def test_no_cycle_closed_within_one_batch(self):
        other = self._partner('Birch Ltd')
        with self._refused(ValidationError, "circle"):
            self.Referral.create([
                {'referrer_id': self.customer.id, 'referred_id': self.nova.id},
                {'referrer_id': self.nova.id, 'referred_id': other.id},
                {'referrer_id': other.id, 'referred_id': self.customer.id},
            ])
        self._assert_no_referral(self.nova, other, self.customer)

    # ------------------------------------------------------------------
    # Import
    # ------------------------------------------------------------------

    def test_import_of_partners_applies_the_rules(self):
        result = self.env['res.partner'].load(['name', 'is_company', 'referred_by_id/.id'], [
            ['Imported One', '1', str(self.customer.id)],
            ['Imported Two', '1', str(self.customer.id)],
        ])
        self.assertFalse(result['messages'], result['messages'])
        imported = self.env['res.partner'].browse(result['ids'])
        self.assertEqual(self.Referral.search([('referred_id', 'in', imported.ids)]).referrer_id, self.customer)
        self.assertEqual(imported.referred_by_id, self.customer)
        # A self-referral in the file: nothing of the file is written.
        result = self.env['res.partner'].load(['.id', 'name', 'referred_by_id/.id'], [
            [str(imported[0].id), 'Imported One (renamed)', str(self.customer.id)],
            [str(self.nova.id), 'Nova Systems', str(self.nova_contact.id)],
        ])
        self.assertFalse(result['ids'])
        self.assertTrue(any('cannot refer itself' in message['message'] for message in result['messages']),
                        result['messages'])
        self.assertEqual(imported[0].name, 'Imported One')
        self.assertFalse(self.nova.referred_by_id)
        self._assert_no_referral(self.nova)

    def test_import_of_referrals_applies_the_rules(self):
        result = self.Referral.load(['referrer_id/.id', 'referred_id/.id'], [
            [str(self.nova.id), str(self.customer.id)],
            [str(self.customer.id), str(self.nova.id)],
        ])
        self.assertTrue(any('circle' in message['message'] for message in result['messages']), result['messages'])
        self.assertFalse(result['ids'])
        self.assertFalse(self.Referral.search([('referred_commercial_id', 'in', (self.nova | self.customer).ids)]))
