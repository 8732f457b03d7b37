"""The security suite: each attack runs against the session's real dev server and worker
(`dev_env`, `dev_worker`, `complaints` in tests/conftest.py) and must be refused with a
clear message, the complaint's history untouched and nothing in the ledger."""
