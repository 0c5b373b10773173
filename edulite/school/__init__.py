"""The school as administered: classes and links, settings and calendar, accounts, the audit trail."""
