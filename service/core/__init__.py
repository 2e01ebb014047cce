"""Shared foundations every layer may use: settings, errors, ports (Protocols), records, text."""
