"""Spreadsheets in: reading CSV/XLSX (sheets) and loading rows all-or-nothing (load)."""
