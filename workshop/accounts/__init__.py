"""Facilitator, coordinator and admin accounts: sign-in, first run, create-user."""
