"""Participants: joining by QR code or short code from a phone, no account."""
