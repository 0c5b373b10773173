"""Stored alerts: recompute and sync (store), acknowledge and resolve (actions), the inbox, the digest."""
