"""Developer tools for coodie (upstream test inventory, parity ledger)."""
