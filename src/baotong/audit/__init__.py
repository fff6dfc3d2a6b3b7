"""The audit log: who did what to which object, before and after.

Like the log book of a sorting centre's control room, every change a person makes is
written down with the change itself: a service calls ``service.record(...)`` inside the
caller's transaction, so a rolled-back change leaves no audit row. Each domain registers
the kinds of object it audits (``service.register_type``) with the console's word for
them and the page of one object; the audit page and its filters read that registry.
"""
