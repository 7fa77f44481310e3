"""Talks to the card processor."""
import json
import os
from datetime import datetime, timedelta

import requests

API = os.environ["PAYMENTS_API"]


class Gateway:
    def __init__(self, session):
        self.session = session

    def charge(self, card_token, cents):
        resp = self.session.post(API + "/charges", json={"card": card_token, "amount": cents})
        body = resp.json()
        return body["charge"]["id"]

    def refund(self, charge_id):
        resp = requests.post(API + "/refunds", json={"charge": charge_id}, timeout=10)
        data = resp.json()
        if "refund" not in data:
            raise RuntimeError(data.get("error", "refund failed"))
        return data["refund"]["id"]


def handle_webhook(payload):
    event = json.loads(payload)
    kind = event["type"]
    amount = int(event["data"]["amount"])
    return kind, amount


def renewal_time():
    # Renew tomorrow at the same wall-clock time.
    return datetime.now() + timedelta(days=1)


def checkout(gateway, cart):
    per_item = sum(item["cents"] for item in cart) / len(cart)
    return gateway.charge(cart[0]["token"], per_item)
