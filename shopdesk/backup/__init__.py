"""Backups of a shop home: the on-disk layout, the copying, and the encrypted key.

The use cases (make, verify, restore) live in :mod:`shopdesk.services.backup`
and :mod:`shopdesk.services.restore`; this package holds the mechanics they share.
See ``docs/backup.md`` for the layout of a backup folder.
"""
