from datetime import date

from odoo.tests import new_test_user

from .common_grading import GradingCase

# What the personal data of the fixtures' customers says: none of it may
# reach a colleague, whatever the path.
PERSONAL_VALUES = {
    'birthday': date(1980, 5, 17),
    'customer_interests': 'Go, tea ceremonies',
    'customer_family_notes': 'Two daughters, the elder at university',
}


class CustomerBoardCase(GradingCase):
    """The salesperson's own customers (a person and a contact of a company)
    with personal data, a colleague selling to other customers, and an
    employee without sales rights, who can read partners all the same.
    Both may export, as a colleague trying to read the data would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = new_test_user(
            cls.env, login='sf_colleague', name='Colin Colleague',
            groups='sales_team.group_sale_salesman,base.group_partner_manager,base.group_allow_export',
        )
        cls.salesperson.group_ids |= cls.env.ref('base.group_partner_manager')
        cls.employee = new_test_user(
            cls.env, login='sf_employee', name='Emma Employee', groups='base.group_user,base.group_allow_export')
        cls.person = cls.env['res.partner'].create({
            'name': 'Wang Fang', 'customer_kind': 'individual', 'user_id': cls.salesperson.id,
            **PERSONAL_VALUES,
        })
        cls.contact = cls.env['res.partner'].create({
            'name': 'Zhang Wei', 'parent_id': cls.customer.id, 'birthday': date(1975, 1, 2),
            'customer_interests': 'Cycling',
        })
        cls.colleague_person = cls.env['res.partner'].create({
            'name': 'Li Na', 'customer_kind': 'individual', 'user_id': cls.colleague.id,
            'birthday': date(1990, 3, 8), 'customer_interests': 'Tennis',
        })

    def stored_personal(self, partner):
        """The personal values as stored, whoever may see them."""
        return {fname: partner.sudo()[fname] for fname in PERSONAL_VALUES}
