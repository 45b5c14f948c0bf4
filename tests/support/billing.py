"""Billing test constants shared by tests/billing and tests/e2e: the public host, the Stripe
webhook's path and the Stripe price ids the test plans carry."""

PUBLIC = "atrium.localhost"
WEBHOOK = "/billing/stripe/webhook/"
PRICES = {"start": "price_start_test", "business": "price_business_test", "enterprise": "price_ent_test"}
