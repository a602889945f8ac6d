import io

from PyPDF2 import PdfReader

from odoo.tests import tagged

from .common import SalesFollowupCase


@tagged('post_install', '-at_install')
class TestCustomerCardPdf(SalesFollowupCase):
    """The customer card prints as a real PDF (wkhtmltopdf, installed by
    `make setup`), not only as the HTML Odoo's test mode renders by default."""

    def test_customer_card_prints_as_pdf(self):
        self.customer.write({'customer_kind': 'corporate', 'city': 'Suzhou'})
        pdf, report_type = self.env['ir.actions.report'].with_context(
            force_report_rendering=True,
        )._render_qweb_pdf('sales_followup.action_report_customer_card', self.customer.ids)
        self.assertEqual(report_type, 'pdf')
        self.assertTrue(pdf.startswith(b'%PDF'))
        # wkhtmltopdf separates words with tabs in the text layer
        text = ' '.join(''.join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
        self.assertIn('Lotus Trading', text)
        self.assertIn('Suzhou', text)
        self.assertIn('Customer Card', text)
