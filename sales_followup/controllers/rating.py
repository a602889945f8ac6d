import werkzeug

from odoo import http
from odoo.http import request
from odoo.tools.misc import get_lang

from odoo.addons.rating.controllers.main import Rating

from ..const import SATISFACTION_LEVELS

# The model whose ratings this addon asks for: the customer rates a
# purchase from 1 to 5, where Odoo's own rating pages offer 1, 3 and 5.
RATED_MODEL = 'sale.order'
SCORES = tuple(int(value) for value, _label in SATISFACTION_LEVELS)


class FollowupRating(Rating):
    """Odoo's public rating links (``/rate/<token>/<score>``, no login), on
    a scale of 1 to 5 for the satisfaction requests of sales orders. Ratings
    of other documents keep Odoo's pages."""

    @http.route()
    def action_open_rating(self, token, rate, **kwargs):
        rating, record_sudo = self._get_rating_and_record(token)
        if rating.res_model != RATED_MODEL:
            return super().action_open_rating(token, rate, **kwargs)
        self._ensure_score(rate)
        invalid = self._render_invalid_partner(rating, record_sudo)
        if invalid:
            return invalid
        return self._render_score_page(rating, token, rate)

    @http.route()
    def action_submit_rating(self, token, rate=0, **kwargs):
        rating, record_sudo = self._get_rating_and_record(token)
        if rating.res_model != RATED_MODEL:
            return super().action_submit_rating(token, rate=rate, **kwargs)
        if request.httprequest.method != 'POST':
            return self._render_score_page(rating, token, rating.rating and round(rating.rating))
        try:
            rate = int(rate)
        except ValueError:
            raise werkzeug.exceptions.BadRequest(request.env._("A rating is a whole number from 1 to 5.")) from None
        self._ensure_score(rate)
        invalid = self._render_invalid_partner(rating, record_sudo)
        if invalid:
            return invalid
        record_sudo.rating_apply(rate, rating=rating, feedback=kwargs.get('feedback'), subtype_xmlid=None)
        lang = rating.partner_id.lang or get_lang(request.env).code
        return request.env['ir.ui.view'].with_context(lang=lang)._render_template(
            'rating.rating_external_page_view', {'web_base_url': rating.get_base_url(), 'rating': rating})

    def _ensure_score(self, rate):
        if rate not in SCORES:
            raise werkzeug.exceptions.BadRequest(request.env._("A rating is a whole number from 1 to 5."))

    def _render_invalid_partner(self, rating, record_sudo):
        """Someone logged in as another customer may not rate this order."""
        user = request.env.user
        if user._is_public() or user.partner_id.commercial_partner_id == rating.partner_id.commercial_partner_id:
            return None
        return request.render('rating.rating_external_page_invalid_partner', {
            'model_name': request.env['ir.model']._get(rating.res_model).display_name,
            'name': record_sudo.display_name,
            'web_base_url': rating.get_base_url(),
        })

    def _render_score_page(self, rating, token, rate):
        lang = rating.partner_id.lang or get_lang(request.env).code
        env = request.env(context=dict(request.env.context, lang=lang))
        # The labels of the satisfaction of complaints, in the customer's language.
        labels = dict(env['customer.complaint']._fields['satisfaction']._description_selection(env))
        return env['ir.ui.view']._render_template('sales_followup.rating_page_score', {
            'rating': rating,
            'token': token,
            'rate': rate,
            'scores': [(score, labels[str(score)]) for score in SCORES],
        })
