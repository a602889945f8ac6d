"""Take the README's screenshots of a running demo server in headless Chromium.

    python screenshots.py BASE_URL DATABASE OUTPUT_DIR [NAME ...]

Talks to Chromium over the DevTools protocol (websocket-client), like Odoo's
own ChromeBrowser; logs in through /web/session/authenticate and hands the
session cookie to the browser. Each shot opens a URL of the web client,
waits until the view is drawn and writes a 1400x900 PNG (taller where HEIGHTS says).
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

WIDTH, HEIGHT = 1400, 900
MANAGER = ('admin', 'admin')
SALESPERSON = ('demo', 'demo')

# name: (user, URL path or a callable giving it, CSS selector the view shows once drawn)
ACTION = '/odoo/action-sales_followup.'


def _first(model, domain, order='id'):
    def path(rpc):
        ids = rpc(model, 'search', [domain], {'limit': 1, 'order': order})
        if not ids:
            raise SystemExit(f"screenshots: the demo has no {model} matching {domain}")
        return ids[0]
    return path


SHOTS = {
    # The menu opens the board through a server action, which sets the
    # salesperson's default filter: the shots take the same way.
    'customer_board': (MANAGER, '/odoo/customer-board', '.o_kanban_record'),
    'customer_board_salesperson': (SALESPERSON, '/odoo/customer-board', '.o_kanban_record'),
    'customer_card': (MANAGER, ('/odoo/customer-board/{}', _first(
        'res.partner', [('name', '=', 'Lotus Trading Co.')])), '.o_form_view'),
    'followup_board': (MANAGER, ACTION + 'action_followup_board', '.o_kanban_record'),
    'my_followups': (SALESPERSON, ACTION + 'action_my_followups', '.o_data_row'),
    'complaint_board': (MANAGER, ACTION + 'action_customer_complaint', '.o_kanban_record'),
    'complaint_form': (MANAGER, (ACTION + 'action_customer_complaint/{}', _first(
        'customer.complaint', [('state', '=', 'investigating')])), '.o_form_view'),
    'return_board': (MANAGER, ACTION + 'action_customer_return', '.o_kanban_record'),
    'referral_pipeline': (MANAGER, ACTION + 'action_customer_referral', '.o_kanban_record'),
    'referral_leaderboard': (MANAGER, ACTION + 'action_customer_referral_leaderboard', '.o_pivot table'),
    'referral_centers': (MANAGER, ACTION + 'action_customer_referral_center_report', '.o_data_row'),
    'referral_testimonials': (MANAGER, ACTION + 'action_customer_referral_testimonials', '.o_data_row'),
    'credit_approvals': (MANAGER, ACTION + 'action_credit_approval_orders', '.o_data_row'),
    'credit_pending_order': (MANAGER, (ACTION + 'action_credit_approval_orders/{}', _first(
        'sale.order', [('credit_approval_state', '=', 'pending')])), '.o_form_view'),
    'kpi_report': (MANAGER, ACTION + 'action_followup_kpi_report', '.o_pivot table'),
    'complaint_analysis': (MANAGER, ACTION + 'action_customer_complaint_report', '.o_pivot table'),
    'return_analysis': (MANAGER, ACTION + 'action_customer_return_line_analysis', '.o_pivot table'),
    'team_dashboard': (MANAGER, ACTION + 'action_customer_team_dashboard', '.o_kanban_record'),
    'settings': (MANAGER, ACTION + 'action_followup_settings', '#sales_followup_grading_method'),
}
# Settings open on the Sales application: bring the after-sales block into view.
SCROLL_TO = {'settings': '#sales_followup_boards'}
# The after-sales settings are longer than a screen: that shot is taller, so
# that it shows every one of them.
HEIGHTS = {'settings': 1360}


class Chrome:
    """A headless Chromium and one page, driven over the DevTools protocol."""

    def __init__(self):
        executable = next((shutil.which(name) for name in ('chromium', 'chromium-browser', 'google-chrome')
                           if shutil.which(name)), None)
        if not executable:
            raise SystemExit("screenshots: Chromium is missing: run 'make setup'")
        self.profile = tempfile.mkdtemp(prefix='sales_followup_chrome_')
        args = [executable, '--headless=new', '--disable-gpu', '--no-first-run', '--no-default-browser-check',
                '--hide-scrollbars', '--force-device-scale-factor=1', f'--window-size={WIDTH},{HEIGHT}',
                '--remote-debugging-port=0', f'--user-data-dir={self.profile}', 'about:blank']
        if os.geteuid() == 0:
            args.insert(1, '--no-sandbox')
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile, 'DevToolsActivePort')
        for _attempt in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        targets = requests.get(f'http://127.0.0.1:{port}/json/list', timeout=10).json()
        page = next(target for target in targets if target['type'] == 'page')
        self.ws = websocket.create_connection(page['webSocketDebuggerUrl'], timeout=60, suppress_origin=True)
        self.next_id = 0
        self.set_height(HEIGHT)

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({'id': self.next_id, 'method': method, 'params': params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get('id') == self.next_id:
                if 'error' in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get('result', {})

    def set_height(self, height):
        self.send('Emulation.setDeviceMetricsOverride', width=WIDTH, height=height, deviceScaleFactor=1, mobile=False)

    def evaluate(self, expression):
        result = self.send('Runtime.evaluate', expression=expression, returnByValue=True)
        return result.get('result', {}).get('value')

    def wait_for(self, expression, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.25)
        raise TimeoutError(expression)

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def login(base_url, database, credentials):
    session = requests.Session()
    response = session.post(f'{base_url}/web/session/authenticate', json={
        'jsonrpc': '2.0', 'method': 'call',
        'params': {'db': database, 'login': credentials[0], 'password': credentials[1]},
    }, timeout=60).json()
    if response.get('error') or not response.get('result', {}).get('uid'):
        raise SystemExit(f"screenshots: cannot log in as {credentials[0]}: {response.get('error')}")

    def rpc(model, method, args, kwargs=None):
        reply = session.post(f'{base_url}/web/dataset/call_kw', json={
            'jsonrpc': '2.0', 'method': 'call',
            'params': {'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}},
        }, timeout=60).json()
        if reply.get('error'):
            raise SystemExit(f"screenshots: {model}.{method}: {reply['error']['data']['message']}")
        return reply['result']
    return session.cookies['session_id'], rpc


def main(base_url, database, output_dir, *names):
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    chrome = Chrome()
    try:
        sessions = {}
        for name in names or SHOTS:
            credentials, path, ready = SHOTS[name]
            if credentials not in sessions:
                sessions[credentials] = login(base_url, database, credentials)
            cookie, rpc = sessions[credentials]
            chrome.send('Network.enable')
            chrome.send('Network.clearBrowserCookies')
            # The web client keeps the current action in the tab's session
            # storage and restores it on a reload of the same URL: each shot
            # starts from a blank tab, as in a user's own browser.
            chrome.evaluate("sessionStorage.clear(); localStorage.clear()")
            chrome.send('Storage.clearDataForOrigin', origin=base_url, storageTypes='all')
            chrome.send('Page.navigate', url='about:blank')
            chrome.send('Network.setCookie', name='session_id', value=cookie, url=base_url)
            chrome.set_height(HEIGHTS.get(name, HEIGHT))
            if isinstance(path, tuple):
                path = path[0].format(path[1](rpc))
            chrome.send('Page.navigate', url=base_url + path)
            chrome.wait_for(f"""(() => !!document.querySelector({json.dumps(ready)})
                && !document.querySelector('.o_loading_indicator, .o_blockUI')
                && !document.querySelector('.o_view_sample_data'))()""")
            if name in SCROLL_TO:
                time.sleep(1)
                chrome.evaluate(f"document.querySelector({json.dumps(SCROLL_TO[name])}).scrollIntoView()")
            time.sleep(1.5)  # let charts and avatars finish drawing
            data = chrome.send('Page.captureScreenshot', format='png')['data']
            (output / f'{name}.png').write_bytes(base64.b64decode(data))
            print(f"screenshots: {output / name}.png")
    finally:
        chrome.close()


if __name__ == '__main__':
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
