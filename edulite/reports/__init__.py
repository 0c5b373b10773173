"""Read-only reports: the week, a class-day, the district, the parent publication, exports, records."""
