"""Use cases both front ends call: open a shop, sell, void, look up, verify.

A service takes explicit inputs, returns plain results and raises
:class:`shopdesk.errors.ShopdeskError` subclasses; it never prints, exits or
knows which front end called it.
"""
