from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = 'product.template'

    followup_installation_check = fields.Boolean(
        string="Requires Installation Check",
        help="The day after delivery, a follow-up card reminds the salesperson to check "
             "that delivery and installation went well and that the customer can use the product.")
