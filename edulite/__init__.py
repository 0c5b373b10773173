"""Edulite: homework and after-school load monitor for the double-reduction policy."""
