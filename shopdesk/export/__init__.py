"""The batch the accountant receives: writing it (shop side) and checking it (accountant side)."""
